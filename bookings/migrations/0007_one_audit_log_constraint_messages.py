"""One audit log: booking decisions move from BookingDecision into
hub.AuditEntry (action "booking.<kind>", reason = the note, the dates in
`changes`), then BookingDecision and django-simple-history's HistoricalBooking
go. Constraints get plain-English violation messages."""

from django.conf import settings
from django.db import migrations, models


def decisions_to_audit_log(apps, schema_editor):
    Decision = apps.get_model("bookings", "BookingDecision")
    AuditEntry = apps.get_model("hub", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    booking_type, _ = ContentType.objects.get_or_create(
        app_label="bookings", model="booking"
    )
    rows = Decision.objects.select_related("booking__room", "decided_by")
    for d in rows.iterator():
        entry = AuditEntry.objects.create(
            actor=d.decided_by,
            actor_name=d.decided_by.username,
            action=f"booking.{d.kind}",
            content_type=booking_type,
            object_id=d.booking_id,
            object_repr=f"{d.booking.title}"[:200],
            reason=d.note[:2000],
            changes={"dates": [None, d.dates]} if d.dates else {},
            site_id=d.booking.room.site_id,
        )
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=d.decided_at)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0006_booking_event_derived"),
        ("hub", "0003_audit_entry"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partners", "0002_alter_compliancedocument_file"),
        ("schedule", "0015_rename_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(decisions_to_audit_log, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="bookingdecision",
            name="booking",
        ),
        migrations.RemoveField(
            model_name="bookingdecision",
            name="decided_by",
        ),
        migrations.RemoveField(
            model_name="historicalbooking",
            name="decided_by",
        ),
        migrations.RemoveField(
            model_name="historicalbooking",
            name="event",
        ),
        migrations.RemoveField(
            model_name="historicalbooking",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalbooking",
            name="partner",
        ),
        migrations.RemoveField(
            model_name="historicalbooking",
            name="requested_by",
        ),
        migrations.RemoveField(
            model_name="historicalbooking",
            name="room",
        ),
        migrations.AlterConstraint(
            model_name="booking",
            name="booking_status_valid",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["pending", "approved", "declined", "cancelled"])
                ),
                name="booking_status_valid",
                violation_error_message="Status must be pending, approved, declined or cancelled.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="slot",
            name="slot_ends_after_start",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                name="slot_ends_after_start",
                violation_error_message="The end time must be after the start time. Choose a later end time.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="slot",
            name="slot_unique_occurrence",
            constraint=models.UniqueConstraint(
                fields=("booking", "original_start"),
                name="slot_unique_occurrence",
                violation_error_message="This booking already has a date starting then. Choose another date or time.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="slot",
            name="slot_active_only_when_planned",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_active", False), ("state", "planned"), _connector="OR"
                ),
                name="slot_active_only_when_planned",
                violation_error_message="Only a planned date can run: a skipped, not approved or cancelled date cannot be active.",
            ),
        ),
        migrations.DeleteModel(
            name="BookingDecision",
        ),
        migrations.DeleteModel(
            name="HistoricalBooking",
        ),
    ]
