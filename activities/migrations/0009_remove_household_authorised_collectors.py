"""The free-text collectors field goes: 0008 carried it into records."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("activities", "0008_collectors_and_cancelled_dates")]

    operations = [
        migrations.RemoveField(model_name="household", name="authorised_collectors"),
    ]
