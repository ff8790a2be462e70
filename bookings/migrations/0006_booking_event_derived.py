import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The booking's schedule Event is derived from its slots by
    bookings.scheduling.schedule_sync, which creates it after the slots."""

    dependencies = [
        ("bookings", "0005_decision_moved"),
        ("schedule", "0015_rename_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="booking",
            name="event",
            field=models.OneToOneField(
                blank=True,
                help_text="Derived from the slots by scheduling.schedule_sync.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="booking",
                to="schedule.event",
            ),
        ),
    ]
