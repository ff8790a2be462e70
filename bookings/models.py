"""Room bookings: a request (one-off or recurring) and its materialised slots."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hub.models import TimeStampedModel, text_limit


class Booking(TimeStampedModel):
    """A partner's request for one room, once or recurring.

    Its slots are the truth; the django-scheduler Event (+ Rule, Occurrences)
    on the room's calendar is derived from them by
    bookings.scheduling.schedule_sync, the only code that writes it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="bookings"
    )
    room = models.ForeignKey(
        "hub.Room", on_delete=models.PROTECT, related_name="bookings"
    )
    event = models.OneToOneField(
        "schedule.Event",
        on_delete=models.PROTECT,
        related_name="booking",
        null=True,
        blank=True,
        help_text="Derived from the slots by scheduling.schedule_sync.",
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True, **text_limit(2000))
    expected_attendees = models.PositiveIntegerField()
    setup_notes = models.TextField(blank=True, **text_limit(2000))
    term_time_only = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, **text_limit(2000))
    quote_pence = models.PositiveIntegerField(
        null=True, blank=True, help_text="In pence; stored when approved."
    )
    social_value_pence = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="In pence: the full price waived for free (member) lettings.",
    )
    recurrence_summary = models.CharField(
        max_length=200, blank=True, help_text="Plain English, e.g. 'Weekly on Tuesday'."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "approved", "declined", "cancelled"]
                ),
                name="booking_status_valid",
                violation_error_message="Status must be pending, approved, "
                "declined or cancelled.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} @ {self.room}"


class Slot(models.Model):
    """One occurrence of a booking, materialised (pending, approved or not running).

    `starts_at`/`ends_at` are the letting itself; `buffered_start`/`buffered_end`
    add the room's setup and clear-down buffers. Active slots of one room never
    overlap on their buffered range: PostgreSQL enforces this with an exclusion
    constraint (see the migration); SQLite serialises the check and the write.
    All times UTC, half-open [start, end).
    """

    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        SKIPPED = "skipped", "Skipped (closure or holiday)"
        EXCLUDED = "excluded", "Not approved (clash)"
        CANCELLED = "cancelled", "Cancelled"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="slots")
    room = models.ForeignKey("hub.Room", on_delete=models.PROTECT, related_name="slots")
    original_start = models.DateTimeField(
        help_text="The occurrence's start in the recurrence, even if moved."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    buffered_start = models.DateTimeField()
    buffered_end = models.DateTimeField()
    is_active = models.BooleanField(
        default=True, help_text="False once cancelled or the booking is not approved."
    )

    state = models.CharField(max_length=10, choices=State, default=State.PLANNED)
    note = models.CharField(
        max_length=200, blank=True, help_text="Why it is skipped or cancelled."
    )
    # In pence: what this occurrence costs the partner, and its full price
    # (equal unless discounted; the difference is the social value).
    price_pence = models.PositiveIntegerField(default=0)
    full_price_pence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["room", "buffered_start", "buffered_end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="slot_ends_after_start",
                violation_error_message="The end time must be after the start "
                "time. Choose a later end time.",
            ),
            models.UniqueConstraint(
                fields=["booking", "original_start"],
                name="slot_unique_occurrence",
                violation_error_message="This booking already has a date "
                "starting then. Choose another date or time.",
            ),
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(state="planned"),
                name="slot_active_only_when_planned",
                violation_error_message="Only a planned date can run: a "
                "skipped, not approved or cancelled date cannot be active.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking.title}: {self.starts_at:%Y-%m-%d %H:%M} UTC"
