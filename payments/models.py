"""Payments: room-hire invoices (and their credit notes), money received (card
or offline), refunds, and the Stripe events we have processed.

Money is integer pence (GBP). An invoice is a draft until issued; issuing gives
it the next number of its trust's gapless series (`InvoiceCounter`, locked with
select_for_update) and freezes it: lines and amounts never change after that
(`InvoiceLine.save/delete` and `Invoice.save` refuse). A later cancellation is a
credit note (an Invoice of kind CREDIT_NOTE pointing at the invoice it credits),
numbered in its own gapless series ("CN-").
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from hub.errors import StateError
from hub.models import TimeStampedModel, text_limit


class SiteBilling(TimeStampedModel):
    """How one site bills room hire. A site without a row uses the defaults."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "One invoice per partner per month"
        PER_BOOKING = "per_booking", "One invoice per booking"

    site = models.OneToOneField(
        "hub.Site", on_delete=models.CASCADE, related_name="billing"
    )
    frequency = models.CharField(
        max_length=12, choices=Frequency, default=Frequency.MONTHLY
    )
    vat_rate_bp = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(10_000, "VAT rate cannot be over 100 per cent.")],
        help_text="VAT in basis points: 2000 is 20%. 0 for no VAT.",
    )
    vat_number = models.CharField(max_length=20, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        default=30, validators=[MaxValueValidator(365)]
    )
    cancellation_window_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MaxValueValidator(24 * 90)],
        help_text="A date cancelled less than this many hours before it starts "
        "is still charged (by the percentage below).",
    )
    cancellation_charge_percent = models.PositiveSmallIntegerField(
        default=100, validators=[MaxValueValidator(100)]
    )
    remittance_details = models.TextField(
        blank=True,
        help_text="Bank details and how to quote the invoice number.",
        **text_limit(1000),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(vat_rate_bp__lte=10_000),
                name="sitebilling_vat_at_most_100",
                violation_error_message="VAT rate cannot be over 100 per cent.",
            ),
            models.CheckConstraint(
                condition=Q(cancellation_charge_percent__lte=100),
                name="sitebilling_charge_at_most_100",
                violation_error_message="Cancellation charge cannot be over 100 per cent.",
            ),
        ]

    def __str__(self) -> str:
        return f"Billing for {self.site}"


class InvoiceCounter(models.Model):
    """The last number used in one gapless series (per trust, or per site
    without a trust; invoices and credit notes have separate series).
    Locked with select_for_update when a number is taken."""

    series = models.CharField(max_length=40, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.series}: {self.last_number}"


class Invoice(TimeStampedModel):
    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit_note", "Credit note"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        PART_PAID = "part_paid", "Part paid"
        PAID = "paid", "Paid"
        OVERDUE = "overdue", "Overdue"
        VOID = "void", "Void"

    # Fields that never change once the invoice is issued.
    FROZEN_FIELDS = (
        "kind",
        "partner_id",
        "site_id",
        "booking_id",
        "credit_for_id",
        "period_start",
        "period_end",
        "vat_rate_bp",
        "subtotal_pence",
        "vat_pence",
        "total_pence",
        "series",
        "sequence",
        "number",
        "issued_on",
        "due_on",
    )

    kind = models.CharField(max_length=12, choices=Kind, default=Kind.INVOICE)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="invoices"
    )
    site = models.ForeignKey("hub.Site", on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when the site invoices per booking.",
    )
    credit_for = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    vat_rate_bp = models.PositiveIntegerField(default=0)
    subtotal_pence = models.PositiveIntegerField(default=0)
    vat_pence = models.PositiveIntegerField(default=0)
    total_pence = models.PositiveIntegerField(default=0)
    # Running totals, changed only under the invoice's row lock.
    paid_pence = models.PositiveIntegerField(default=0)
    credited_pence = models.PositiveIntegerField(default=0)
    # Numbering: empty on drafts, set once on issue and never reused.
    series = models.CharField(max_length=40, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(max_length=50, null=True, blank=True, unique=True)
    issued_on = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=500, blank=True)
    last_reminder_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        indexes = [
            models.Index(fields=["partner", "status"]),
            models.Index(fields=["site", "period_start"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "sequence"],
                condition=Q(sequence__isnull=False),
                name="invoice_number_once_per_series",
                violation_error_message="That invoice number is already used.",
            ),
            models.CheckConstraint(
                # Drafts have no number; issued invoices always do; a voided
                # draft has none, a voided issued invoice keeps its number.
                condition=Q(status="draft", sequence__isnull=True, number__isnull=True)
                | Q(status="void", sequence__isnull=True, number__isnull=True)
                | (
                    Q(sequence__isnull=False, number__isnull=False) & ~Q(status="draft")
                ),
                name="invoice_numbered_iff_issued",
                violation_error_message="Only an issued invoice has a number.",
            ),
            models.UniqueConstraint(
                fields=["partner", "site", "period_start"],
                condition=Q(kind="invoice", booking__isnull=True, status="draft"),
                name="invoice_one_draft_per_partner_site_month",
                violation_error_message="This partner already has a draft invoice "
                "for that school and month.",
            ),
            models.UniqueConstraint(
                fields=["booking", "period_start"],
                condition=Q(kind="invoice", booking__isnull=False, status="draft"),
                name="invoice_one_draft_per_booking_month",
                violation_error_message="This booking already has a draft invoice "
                "for that month.",
            ),
            models.CheckConstraint(
                condition=Q(total_pence=F("subtotal_pence") + F("vat_pence")),
                name="invoice_total_is_sum",
                violation_error_message="The total must be the subtotal plus VAT.",
            ),
            models.CheckConstraint(
                condition=Q(credited_pence__lte=F("total_pence")),
                name="invoice_credit_at_most_total",
                violation_error_message="Credit notes cannot add up to more "
                "than the invoice.",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", credit_for__isnull=True)
                | Q(kind="credit_note", credit_for__isnull=False),
                name="invoice_credit_note_has_invoice",
                violation_error_message="A credit note must name its invoice.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="invoice_period_ordered",
                violation_error_message="The period must end on or after it starts.",
            ),
        ]

    def __str__(self) -> str:
        label = "Credit note" if self.kind == self.Kind.CREDIT_NOTE else "Invoice"
        return f"{label} {self.number or '(draft)'}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = dict(zip(field_names, values, strict=False))
        return instance

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded", None)
        if loaded and loaded.get("status", "draft") != self.Status.DRAFT:
            for name in self.FROZEN_FIELDS:
                if name in loaded and loaded[name] != getattr(self, name):
                    raise StateError(
                        f"{self} is issued: its {name.removesuffix('_id')} cannot "
                        "change. Issue a credit note instead."
                    )
        super().save(*args, **kwargs)
        self._loaded = {
            f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields
        }

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def balance_pence(self) -> int:
        """What is still owed (0 for drafts, void invoices and credit notes)."""
        if self.is_credit_note or self.status in (
            self.Status.DRAFT,
            self.Status.VOID,
        ):
            return 0
        return max(self.total_pence - self.credited_pence - self.paid_pence, 0)

    @property
    def is_open(self) -> bool:
        return self.status in (
            self.Status.ISSUED,
            self.Status.PART_PAID,
            self.Status.OVERDUE,
        )


class InvoiceLine(models.Model):
    """One charged (or credited) item. Frozen once its invoice is issued."""

    class Kind(models.TextChoices):
        HIRE = "hire", "Room hire"
        CANCELLATION = "cancellation", "Late cancellation charge"
        CREDIT = "credit", "Credit for a cancelled date"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    slot = models.ForeignKey(
        "bookings.Slot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.HIRE)
    description = models.CharField(max_length=300)
    starts_at = models.DateTimeField(null=True, blank=True)
    amount_pence = models.PositiveIntegerField()

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount_pence}p"

    def save(self, *args, **kwargs):
        self._require_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._require_draft()
        return super().delete(*args, **kwargs)

    def _require_draft(self) -> None:
        status = (
            Invoice.objects.filter(pk=self.invoice_id)
            .values_list("status", flat=True)
            .first()
        )
        if status is not None and status != Invoice.Status.DRAFT:
            raise StateError(
                "This invoice is issued: its lines cannot change. Issue a credit "
                "note instead."
            )


class Payment(TimeStampedModel):
    """One attempt at, or record of, money received for an invoice or a sign-up."""

    class Method(models.TextChoices):
        CARD = "card", "Card"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        CHEQUE = "cheque", "Cheque"
        CASH = "cash", "Cash"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    signup = models.ForeignKey(
        "activities.SignUp",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    method = models.CharField(max_length=14, choices=Method)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    amount_pence = models.PositiveIntegerField()
    refunded_pence = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="gbp")
    stripe_payment_intent_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True
    )
    reference = models.CharField(max_length=100, blank=True)
    received_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    succeeded_at = models.DateTimeField(null=True, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, signup__isnull=True)
                | Q(invoice__isnull=True, signup__isnull=False),
                name="payment_for_invoice_xor_signup",
                violation_error_message="A payment is for an invoice or a "
                "sign-up, not both and not neither.",
            ),
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0),
                name="payment_amount_positive",
                violation_error_message="Amount must be more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(refunded_pence__lte=F("amount_pence")),
                name="payment_refund_at_most_amount",
                violation_error_message="Amount: that is more than what is left "
                "to refund of this payment.",
            ),
            models.CheckConstraint(
                condition=Q(currency="gbp"),
                name="payment_currency_gbp",
                violation_error_message="Payments are in pounds sterling (GBP).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} payment of {self.amount_pence}p"

    @property
    def refundable_pence(self) -> int:
        if self.status != self.Status.SUCCEEDED:
            return 0
        return self.amount_pence - self.refunded_pence


class Refund(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds"
    )
    amount_pence = models.PositiveIntegerField()
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    stripe_refund_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0),
                name="refund_amount_positive",
                violation_error_message="Amount must be more than zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"Refund of {self.amount_pence}p ({self.status})"


class StripeEvent(models.Model):
    """A Stripe webhook event, stored once by Stripe's id (the dedupe key)."""

    id = models.CharField(max_length=255, primary_key=True)
    type = models.CharField(max_length=100)
    payment_intent_id = models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        help_text="The intent it concerns, to replay a refund that came first.",
    )
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.id} {self.type}"
