"""Core domain: sites (schools), rooms, school terms, holidays, closures, staff roles."""

import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

# A UK postcode: outward code, a space (optional on input), inward code.
UK_POSTCODE_RE = r"^(GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})$"


def normalise_postcode(value: str) -> str:
    """Upper-case and put the single space before the inward code."""
    compact = "".join(value.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def validate_uk_postcode(value: str) -> None:
    if not RegexValidator(UK_POSTCODE_RE).regex.match(normalise_postcode(value)):
        raise ValidationError(
            "Enter a real UK postcode, like SW1A 1AA.", code="invalid_postcode"
        )


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"{value!r} is not a time zone. Use an IANA name like Europe/London.",
            code="invalid_timezone",
        )


def text_limit(max_length: int) -> dict:
    """A TextField's limit, enforced by model validation too (Django checks a
    TextField's max_length only in forms and serializers).
    The limits chosen: docs/architecture.md, "Input limits"."""
    return {"max_length": max_length, "validators": [MaxLengthValidator(max_length)]}


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Trust(TimeStampedModel):
    """A multi-academy trust or partnership that shares term dates across sites."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="trust_slug_unique",
                violation_error_code="unique",  # shown on the slug field
                violation_error_message="Another trust already uses this web "
                "address. Choose a different one.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Site(TimeStampedModel):
    """A school that lets its rooms to the community."""

    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="sites"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    address = models.TextField(**text_limit(500))
    postcode = models.CharField(max_length=8, validators=[validate_uk_postcode])
    area = models.CharField(
        max_length=100, blank=True, help_text="Neighbourhood or ward, for reporting."
    )
    timezone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_timezone]
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    getting_there = models.TextField(
        blank=True,
        help_text="Entrance, parking, buses: shown to families.",
        **text_limit(2000),
    )
    closed_on_bank_holidays = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="site_slug_unique",
                violation_error_code="unique",  # shown on the slug field
                violation_error_message="Another school already uses this web "
                "address. Choose a different one.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class OpeningHours(models.Model):
    """Community opening hours of a site on one weekday (0 = Monday)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4
        SATURDAY = 5
        SUNDAY = 6

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        ordering = ["site", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "weekday"],
                name="one_opening_per_day",
                violation_error_message="Weekday: this school already has opening "
                "hours for that day. Change that day's times instead.",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="opening_closes_after_opens",
                violation_error_message="Closing time must be after the opening "
                "time. Leave both empty if the school is closed that day.",
            ),
        ]
        verbose_name_plural = "opening hours"

    def __str__(self) -> str:
        return (
            f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"
        )

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": "Closing time must be after opening time."}
            )


class RoomFeature(models.Model):
    """Something a room has: kitchen, sports floor, AV, step-free access..."""

    slug = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="room_feature_slug_unique",
                violation_error_code="unique",  # shown on the slug field
                violation_error_message="Another room feature already uses this "
                "slug. Choose a different one.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Room(TimeStampedModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True, **text_limit(5000))
    capacity = models.PositiveIntegerField(
        validators=[MinValueValidator(1, "Capacity must be at least 1 person.")]
    )
    features = models.ManyToManyField(RoomFeature, blank=True, related_name="rooms")
    accessibility_notes = models.TextField(blank=True, **text_limit(2000))
    # Hourly rates, in pence (GBP minor units).
    rate_daytime_pence = models.PositiveIntegerField(default=0)
    rate_evening_pence = models.PositiveIntegerField(default=0)
    rate_weekend_pence = models.PositiveIntegerField(default=0)
    setup_buffer_minutes = models.PositiveSmallIntegerField(default=15)
    cleardown_buffer_minutes = models.PositiveSmallIntegerField(default=15)
    is_bookable = models.BooleanField(default=True)
    # Made on first use by bookings.scheduling.room_calendar(room): only that
    # module touches django-scheduler.
    calendar = models.OneToOneField(
        "schedule.Calendar",
        on_delete=models.PROTECT,
        related_name="room",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "slug"],
                name="room_slug_unique_per_site",
                violation_error_message="Web address: this school already has a "
                "room at that address. Choose a different one.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="room_capacity_positive",
                violation_error_message="Capacity must be at least 1 person.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.site.name}"


class DatePeriod(TimeStampedModel):
    """Whole calendar days [starts_on, ends_on], inclusive. For one site or a trust."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    trust = models.ForeignKey(
        Trust, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    source_uid = models.CharField(
        max_length=255,
        blank=True,
        help_text="The imported file's id for this entry, so importing it again "
        "changes nothing (calendars/importing.py).",
    )

    class Meta:
        abstract = True
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": "The end date must be on or after the start date."}
            )
        if bool(self.site_id) == bool(self.trust_id):
            raise ValidationError("Choose either a school or a trust, not both.")

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def _period_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(ends_on__gte=models.F("starts_on")),
            name=f"{prefix}_ends_after_start",
            violation_error_message="Last day must be the same as or after the "
            "first day.",
        ),
        models.CheckConstraint(
            condition=Q(site__isnull=False, trust__isnull=True)
            | Q(site__isnull=True, trust__isnull=False),
            name=f"{prefix}_site_xor_trust",
            violation_error_message="School or trust: choose one of them, not "
            "both and not neither.",
        ),
    ]


class Term(DatePeriod):
    class Meta(DatePeriod.Meta):
        constraints = _period_constraints("term")


class Holiday(DatePeriod):
    """A school holiday inside the school year: term-time-only series skip it."""

    class Meta(DatePeriod.Meta):
        constraints = _period_constraints("holiday")


class Closure(TimeStampedModel):
    """The site is shut (INSET day, polling station, works): no booking runs."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    source_uid = models.CharField(
        max_length=255, blank=True, help_text="The imported file's id for this entry."
    )

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="closure_ends_after_start",
                violation_error_message="Last day must be the same as or after "
                "the first day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site}: closed {self.starts_on} to {self.ends_on} ({self.reason})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": "The end date must be on or after the start date."}
            )


class StaffRole(TimeStampedModel):
    """A user's role at one site. A user may hold several roles at several sites."""

    class Role(models.TextChoices):
        BUSINESS_MANAGER = "business_manager", "Business manager"
        SITE_STAFF = "site_staff", "Site staff"
        LINK_WORKER = "link_worker", "Link worker"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=20, choices=Role)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "site", "role"],
                name="staff_role_unique",
                violation_error_message="Role: this person already has that role "
                "at this school. Choose a different role or person.",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["business_manager", "site_staff", "link_worker"]),
                name="staff_role_valid",
                violation_error_message="Role must be business manager, site "
                "staff or link worker.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.site}"


class AuditEntry(models.Model):
    """One state change: who did what to which object, when and why.

    Written by `hub.audit.audit_record` inside the transaction that makes the
    change, so the entry exists exactly when the change does. `changes` is a
    compact {"field": [before, after]} of what the action altered. Entries are
    never edited, except by `audit_erase` which removes personal data from them
    when a person or household is erased.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the system (scheduled jobs, automatic promotions).",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    reason = models.TextField(blank=True, max_length=2000)
    changes = models.JSONField(default=dict, blank=True)
    site_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The school it concerns, for filtering."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.object_repr}"
