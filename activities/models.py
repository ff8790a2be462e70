"""Family activities, households, sign-ups, attendance and referrals.

An Activity runs in the slots of one approved Booking; each chosen Slot becomes
a Session. Places are counted per "unit": the activity for whole-series
sign-ups, the session for single-session sign-ups (see activities.capacity).
"""

import secrets
from datetime import date

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from hub.models import TimeStampedModel, validate_uk_postcode

ACTIVE_SIGNUP_STATUSES = ("confirmed", "waitlisted", "awaiting_payment")
# The one limit for long free text (descriptions, notes): forms, serializers
# and full_clean() all enforce it.
TEXT_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 300  # a cancellation's reason, sent to families
LONG_TEXT = {
    "max_length": TEXT_MAX_LENGTH,
    "validators": [MaxLengthValidator(TEXT_MAX_LENGTH)],
}


def new_reference() -> str:
    """A short code a family gives to a link worker (no 0/O/1/I confusion)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Activity(TimeStampedModel):
    class Category(models.TextChoices):
        PARENTING = "parenting", "Parenting"
        COOKING = "cooking", "Cooking and food"
        SPORT = "sport", "Sport and play"
        LEARNING = "learning", "Homework and learning"
        WELLBEING = "wellbeing", "Wellbeing"
        ADVICE = "advice", "Advice and money"
        HOLIDAY_CLUB = "holiday_club", "Holiday club"
        ARTS = "arts", "Arts and crafts"

    class Audience(models.TextChoices):
        FAMILIES = "families", "Families together"
        CHILDREN = "children", "Children"
        CARERS = "carers", "Parents and carers"

    class Eligibility(models.TextChoices):
        OPEN = "open", "Open to all families"
        ELIGIBLE = "eligible", "Eligible families only (free school meals)"
        REFERRAL = "referral", "By referral only"

    class SignupMode(models.TextChoices):
        SERIES = "series", "Whole series"
        SESSION = "session", "Single sessions"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    class PriceBasis(models.TextChoices):
        PER_CHILD = "child", "Per child"
        PER_FAMILY = "family", "Per family"

    class PriceCovers(models.TextChoices):
        SERIES = "series", "The whole series"
        SESSION = "session", "Each session"

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="activities"
    )
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(**LONG_TEXT)
    category = models.CharField(max_length=20, choices=Category)
    audience = models.CharField(
        max_length=10, choices=Audience, default=Audience.FAMILIES
    )
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    capacity = models.PositiveIntegerField(help_text="Places per session (people).")
    # In pence; 0 = free. What a sign-up costs: activities.pricing.
    price_pence = models.PositiveIntegerField(default=0)
    price_basis = models.CharField(
        max_length=6, choices=PriceBasis, default=PriceBasis.PER_CHILD
    )
    price_covers = models.CharField(
        max_length=7, choices=PriceCovers, default=PriceCovers.SERIES
    )
    free_for_eligible = models.BooleanField(
        default=True,
        help_text="Free places for families whose free-school-meals eligibility "
        "is confirmed.",
    )
    # Full refund when the family cancels at least this many days before the
    # (first) session, none after; empty = no refund on cancellation.
    refund_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    eligibility = models.CharField(
        max_length=10, choices=Eligibility, default=Eligibility.OPEN
    )
    signup_mode = models.CharField(
        max_length=10, choices=SignupMode, default=SignupMode.SERIES
    )
    signup_opens_at = models.DateTimeField(null=True, blank=True)
    signup_closes_at = models.DateTimeField(null=True, blank=True)
    referral_places = models.PositiveIntegerField(default=0)
    max_places_per_household = models.PositiveSmallIntegerField(null=True, blank=True)
    accessibility_info = models.TextField(blank=True, **LONG_TEXT)
    what_to_bring = models.TextField(blank=True, **LONG_TEXT)
    languages = models.CharField(max_length=200, blank=True, default="English")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    cancel_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "cancelled"]),
                name="activity_status_valid",
                violation_error_message="Status must be draft, published or cancelled.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="activity_capacity_positive",
                violation_error_message="Places must be 1 or more.",
            ),
            models.CheckConstraint(
                condition=Q(referral_places__lte=models.F("capacity")),
                name="activity_referral_places_within_capacity",
                violation_error_message=(
                    "Places kept for referrals cannot be more than the number of "
                    "places. Lower the places kept for referrals."
                ),
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gte=models.F("min_age")),
                name="activity_age_range_ordered",
                violation_error_message=(
                    "The oldest age must be the same as or more than the youngest age."
                ),
            ),
            models.CheckConstraint(
                condition=Q(price_basis__in=["child", "family"])
                & Q(price_covers__in=["series", "session"]),
                name="activity_price_basis_valid",
                violation_error_message=(
                    "Charge per child or per family, for the series or each session."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price_pence == 0

    @property
    def is_series(self) -> bool:
        return self.signup_mode == self.SignupMode.SERIES


class Session(models.Model):
    """One occurrence of an activity, in one approved booking slot."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="sessions"
    )
    slot = models.ForeignKey(
        "bookings.Slot", on_delete=models.PROTECT, related_name="sessions"
    )
    # Copied from the slot so listings filter and sort without a join.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status, default=Status.SCHEDULED)
    cancel_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "slot"],
                name="session_unique_slot",
                violation_error_message=(
                    "This activity already has a session on that date. Choose each "
                    "date once."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "cancelled"]),
                name="session_status_valid",
                violation_error_message="Status must be scheduled or cancelled.",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.activity}: {self.starts_at:%Y-%m-%d %H:%M} UTC"


class Household(TimeStampedModel):
    """A family: carers and children. One per user account."""

    class ConsentMethod(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "By phone"
        WRITTEN = "written", "In writing"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="household",
    )
    name = models.CharField(max_length=120, help_text="For example 'The Khan family'.")
    reference = models.CharField(max_length=8, unique=True, default=new_reference)
    postcode = models.CharField(
        max_length=8, blank=True, validators=[validate_uk_postcode]
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    languages = models.CharField(max_length=200, blank=True)
    consent_contact = models.BooleanField(default=False)
    consent_photos = models.BooleanField(default=False)
    # Link workers may find the household by name, postcode or a child's
    # school only if this is set (by the family, or by a link worker who
    # recorded the family's consent). Otherwise they need its reference.
    findable = models.BooleanField(default=False)
    # On the register of every session the family's members come to.
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    # Who may collect the children: AuthorisedCollector rows (collectors).
    # A link worker may create the household for a family, with the family's
    # consent recorded (who gave it, how, when); the family then claims it.
    created_on_behalf_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_given_by = models.CharField(max_length=200, blank=True)
    consent_method = models.CharField(max_length=10, choices=ConsentMethod, blank=True)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    # Eligibility (free school meals): the family may say so, only school
    # staff or a link worker may verify it.
    fsm_claimed = models.BooleanField(default=False)
    fsm_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    fsm_verified_at = models.DateTimeField(null=True, blank=True)
    deletion_requested_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_fsm_eligible(self) -> bool:
        return self.fsm_verified_at is not None


class AuthorisedCollector(TimeStampedModel):
    """An adult the family allows to collect its children from an activity.
    Shown on the register to the people running a session the children come
    to (need-to-know, like medical notes: docs/activities.md)."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="collectors"
    )
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=60, blank=True, help_text="For example aunt, grandad, neighbour."
    )
    phone = models.CharField(max_length=30, blank=True)
    password = models.CharField(
        max_length=100,
        blank=True,
        help_text="A word they give when they collect, if you want one.",
    )
    notes = models.TextField(
        blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class HouseholdMember(TimeStampedModel):
    class Kind(models.TextChoices):
        CARER = "carer", "Parent or carer"
        CHILD = "child", "Child"

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members"
    )
    kind = models.CharField(max_length=5, choices=Kind)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    relationship = models.CharField(
        max_length=60, blank=True, help_text="For example mother, grandad, son."
    )
    school = models.CharField(
        max_length=120, blank=True, help_text="The school a child goes to."
    )
    allergies = models.TextField(
        blank=True, help_text="Food and other allergies.", **LONG_TEXT
    )
    medical_notes = models.TextField(
        blank=True, help_text="Medical needs, medicines.", **LONG_TEXT
    )
    send_notes = models.TextField(
        blank=True, help_text="Special educational needs or disabilities.", **LONG_TEXT
    )

    class Meta:
        ordering = ["kind", "date_of_birth", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["carer", "child"]),
                name="member_kind_valid",
                violation_error_message="Choose adult (parent or carer) or child.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: date) -> int | None:
        dob = self.date_of_birth
        if dob is None:
            return None
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Referral(TimeStampedModel):
    """A link worker refers a household to an activity."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        USED = "used", "Signed up"
        WITHDRAWN = "withdrawn", "Withdrawn"

    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="referrals"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="referrals"
    )
    note = models.TextField(blank=True, **LONG_TEXT)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "activity"],
                condition=Q(status__in=["open", "used"]),
                name="referral_one_active_per_household_activity",
                violation_error_message=(
                    "This household is already referred to this activity."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} -> {self.activity}"


class SignUp(TimeStampedModel):
    """A household's place (or waitlist place) for some of its members.

    `session` is empty for a whole-series sign-up. Waitlist order is arrival
    order, i.e. the primary key: rows are inserted while the unit is locked.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waitlist"
        AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
        CANCELLED = "cancelled", "Cancelled"
        DECLINED = "declined", "Declined the place"
        EXPIRED = "expired", "Not paid in time"

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="signups"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="signups"
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signups",
    )
    members = models.ManyToManyField(HouseholdMember, related_name="signups")
    places = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status)
    referral = models.ForeignKey(
        Referral,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signups",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # What the place costs in pence, fixed when it is held (0 = free). Paid by
    # payments.Payment rows; a confirmed unpaid place is paid on the day.
    amount_pence = models.PositiveIntegerField(default=0)
    # An awaiting_payment place is released when this passes (capacity.py).
    hold_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "confirmed",
                        "waitlisted",
                        "awaiting_payment",
                        "cancelled",
                        "declined",
                        "expired",
                    ]
                ),
                name="signup_status_valid",
                violation_error_message=(
                    "Status must be confirmed, waitlisted, awaiting payment, "
                    "cancelled, declined or expired."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="awaiting_payment")
                | Q(hold_expires_at__isnull=False),
                name="signup_hold_has_expiry",
                violation_error_message=(
                    "A place awaiting payment needs the time its hold ends."
                ),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="signup_places_positive",
                violation_error_message="Choose at least one person to sign up.",
            ),
            models.UniqueConstraint(
                fields=["household", "activity"],
                condition=Q(session__isnull=True, status__in=ACTIVE_SIGNUP_STATUSES),
                name="signup_once_per_series",
                violation_error_message=(
                    "Your household is already signed up to this. Cancel that "
                    "sign-up first to change who is coming."
                ),
            ),
            models.UniqueConstraint(
                fields=["household", "session"],
                condition=Q(session__isnull=False, status__in=ACTIVE_SIGNUP_STATUSES),
                name="signup_once_per_session",
                violation_error_message=(
                    "Your household is already signed up to this session. Cancel "
                    "that sign-up first to change who is coming."
                ),
            ),
        ]
        indexes = [models.Index(fields=["activity", "session", "status"])]

    def __str__(self) -> str:
        return f"{self.household} - {self.activity} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_SIGNUP_STATUSES


class SignUpDateCancellation(models.Model):
    """A household with a whole-series place is not coming to one date.

    The place stays theirs (a series is one unit: nobody can sign up to one
    date of it, so the date is not offered to anyone else). On that date's
    register they are shown as cancelled for this date, cannot be marked
    absent, and so never count as a no-show (docs/activities.md)."""

    signup = models.ForeignKey(
        SignUp, on_delete=models.CASCADE, related_name="cancelled_dates"
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="date_cancellations"
    )
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["signup", "session"],
                name="signup_date_cancelled_once",
                violation_error_message=(
                    "You have already cancelled this date. Choose another date."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.signup} not coming to {self.session}"


# The attendance statuses that count as "came" (reports, no-shows, referral
# outcomes all use this one tuple).
ATTENDED_STATUSES = ("present", "late", "left_early")


class Attendance(models.Model):
    """One person's mark on one session's register. Kept (anonymously) after
    erasure.

    Contract (reports and other apps read this; see docs/attendance.md):
    - at most one row per (session, member);
    - `status` is one of Status; the member came iff status is in
      ATTENDED_STATUSES; "absent" means expected and did not come;
    - `walk_in` is True for a member of a known household who came without a
      place (there is then no confirmed sign-up for them);
    - `arrived_at` / `left_at` (UTC) are set for late / left early marks, and
      may be set for present;
    - people not registered at all are counted in WalkInCount, not here.
    """

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        LATE = "late", "Late"
        LEFT_EARLY = "left_early", "Left early"

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        HouseholdMember, on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField(max_length=10, choices=Status)
    arrived_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    walk_in = models.BooleanField(
        default=False, help_text="Came without a place (a member of a known household)."
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                name="attendance_once_per_member",
                violation_error_message=(
                    "This person is already on the register for this session."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["present", "absent", "late", "left_early"]),
                name="attendance_status_valid",
                violation_error_message=(
                    "Status must be present, absent, late or left early."
                ),
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True)
                | Q(arrived_at__isnull=True)
                | Q(left_at__gte=models.F("arrived_at")),
                name="attendance_left_after_arrived",
                violation_error_message="The time they left must be after they arrived.",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.member} at {self.session}: {self.get_status_display()}"

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED_STATUSES


class WalkInCount(models.Model):
    """People who came to a session without being registered at all: a count,
    one row per session (the latest count recorded replaces the earlier one)."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="walk_in_count"
    )
    count = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(count__lte=1000),
                name="walk_in_count_bounded",
                violation_error_message="Walk-ins must be between 0 and 1000.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} walk-ins at {self.session}"


class NoShowNotice(models.Model):
    """The friendly email a household gets after missing a second session of an
    activity it did not cancel: sent once per household and activity."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="no_show_notices"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="no_show_notices"
    )
    missed = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "activity"],
                name="no_show_notice_once",
                violation_error_message="This family has already been emailed.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} missed {self.activity}"
