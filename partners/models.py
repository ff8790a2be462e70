"""Partner organisations, their members and their compliance documents."""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from hub.models import TimeStampedModel, text_limit


class Partner(TimeStampedModel):
    class Kind(models.TextChoices):
        CHARITY = "charity", "Charity"
        CIC = "cic", "Community interest company"
        COMMUNITY_GROUP = "community_group", "Community group"
        STATUTORY = "statutory", "Statutory service"
        SCHOOL_CLUB = "school_club", "School club"

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        APPROVED = "approved", "Approved"
        SUSPENDED = "suspended", "Suspended"

    class RateBand(models.TextChoices):
        STANDARD = "standard", "Standard rate"
        CHARITY = "charity", "Charity discount"
        MEMBER = "member", "Partnership member (free)"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind)
    registration_number = models.CharField(
        max_length=20, blank=True, help_text="Charity or company number."
    )
    description = models.TextField(blank=True, **text_limit(5000))
    website = models.URLField(blank=True)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.APPLIED)
    status_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status_decided_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True, **text_limit(2000))
    rate_band = models.CharField(
        max_length=10, choices=RateBand, default=RateBand.STANDARD
    )
    charity_discount_percent = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="partner_slug_unique",
                violation_error_code="unique",  # shown on the slug field
                violation_error_message="Another partner already uses this web "
                "address. Choose a different one.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "approved", "suspended"]),
                name="partner_status_valid",
                violation_error_message="Status must be applied, approved or "
                "suspended.",
            ),
            models.CheckConstraint(
                condition=Q(charity_discount_percent__lte=100),
                name="partner_discount_at_most_100",
                violation_error_message="Charity discount must be between 0 and "
                "100 per cent.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class PartnerMembership(TimeStampedModel):
    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator"
        STAFF = "staff", "Staff"

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_memberships",
    )
    role = models.CharField(max_length=10, choices=Role, default=Role.STAFF)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "user"],
                name="membership_unique",
                violation_error_message="This person is already a member of the "
                "organisation. Change their role instead of adding them again.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.partner}"


class PrivateFileStorage(FileSystemStorage):
    """Compliance documents live beside MEDIA_ROOT (in `private_media/`), never
    inside it, so no media URL can serve them: only the partners:document view,
    after its permission check."""

    @cached_property
    def base_location(self):
        default = Path(settings.MEDIA_ROOT).parent / "private_media"
        return self._value_or_setting(self._location, default)

    def url(self, name):
        raise ValueError("Compliance documents have no public URL: link to the view.")


_private_storage = PrivateFileStorage()


def private_storage() -> PrivateFileStorage:
    return _private_storage


def compliance_upload_to(instance: "ComplianceDocument", filename: str) -> str:
    return f"compliance/{instance.partner_id}/{instance.kind}/{filename}"


class ComplianceDocument(TimeStampedModel):
    class Kind(models.TextChoices):
        INSURANCE = "insurance", "Public liability insurance"
        SAFEGUARDING = "safeguarding", "Safeguarding policy"
        DBS = "dbs", "DBS confirmation"
        RISK_ASSESSMENT = "risk_assessment", "Risk assessment"

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    file = models.FileField(upload_to=compliance_upload_to, storage=private_storage)
    # In pence; only for insurance (e.g. 500_000_000 = GBP 5 million).
    cover_amount_pence = models.PositiveBigIntegerField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partner", "kind", "-expires_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.partner}"

    def is_valid_on(self, day: date) -> bool:
        """Verified, and not expired on `day` (a document with no expiry never expires)."""
        return self.verified_at is not None and (
            self.expires_on is None or self.expires_on >= day
        )
