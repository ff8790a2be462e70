"""Room-hire invoices: build the month's drafts from approved slots at their
stored prices, issue (gapless numbers per trust), void, credit notes for dates
cancelled after issue, late-cancellation charges, overdue marking.

Every function that changes state checks the actor's permission (the system is
`actor=None`, used by commands, tasks and signal receivers), runs in one
transaction and writes one audit entry per invoice it changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bookings.models import Booking, Slot
from bookings.pricing import round_pence
from hub.audit import audit_record, diff, snapshot
from hub.calendar_dates import local_day_bounds
from hub.errors import DomainError, StateError
from hub.models import Site
from hub.rules import require_perm
from payments.models import Invoice, InvoiceCounter, InvoiceLine, Payment, SiteBilling

MONEY_FIELDS = ("status", "subtotal_pence", "vat_pence", "total_pence", "paid_pence")
OPEN = (Invoice.Status.ISSUED, Invoice.Status.PART_PAID, Invoice.Status.OVERDUE)


def billing_for(site: Site) -> SiteBilling:
    """The site's billing settings (defaults, unsaved, when it has none)."""
    billing = SiteBilling.objects.filter(site=site).first()
    return billing or SiteBilling(site=site)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    first_next = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def vat_on(subtotal_pence: int, vat_rate_bp: int) -> int:
    """VAT in pence on a subtotal, rounded half up once (basis points: 2000 = 20%)."""
    return round_pence(Decimal(subtotal_pence) * vat_rate_bp / 10_000)


def local_today(site: Site) -> dt.date:
    return timezone.now().astimezone(site.zoneinfo).date()


def _system_or(actor, perm: str, obj) -> None:
    """`actor=None` is the system (commands, tasks, receivers): always allowed."""
    if actor is not None:
        require_perm(actor, perm, obj)


def lock(invoice: Invoice) -> Invoice:
    """Re-read the invoice under its row lock (the one lock for its money)."""
    return Invoice.objects.select_for_update().select_related("site").get(pk=invoice.pk)


def recount(invoice: Invoice) -> None:
    """Subtotal, VAT and total from the lines (drafts and new credit notes only)."""
    _set_totals(invoice, sum(line.amount_pence for line in invoice.lines.all()))


def settle_status(invoice: Invoice, today: dt.date | None = None) -> None:
    """Issued, part paid, paid or overdue from the money and the due date."""
    if invoice.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
        return
    if invoice.is_credit_note:
        invoice.status = Invoice.Status.ISSUED
        return
    today = today or local_today(invoice.site)
    owed = invoice.total_pence - invoice.credited_pence - invoice.paid_pence
    if owed <= 0:
        invoice.status = Invoice.Status.PAID
    elif invoice.due_on and invoice.due_on < today:
        invoice.status = Invoice.Status.OVERDUE
    elif invoice.paid_pence > 0:
        invoice.status = Invoice.Status.PART_PAID
    else:
        invoice.status = Invoice.Status.ISSUED


# --- Building drafts ---------------------------------------------------------


def _slots_to_invoice(site: Site, first: dt.date) -> list[Slot]:
    start, _ = local_day_bounds(first, site)
    _, end = local_day_bounds(month_end(first), site)
    invoiced = InvoiceLine.objects.filter(
        slot__isnull=False, invoice__kind=Invoice.Kind.INVOICE
    ).exclude(invoice__status=Invoice.Status.VOID)
    return list(
        Slot.objects.filter(
            room__site=site,
            state=Slot.State.PLANNED,
            is_active=True,
            booking__status=Booking.Status.APPROVED,
            starts_at__gte=start,
            starts_at__lt=end,
            price_pence__gt=0,
        )
        .exclude(pk__in=invoiced.values("slot_id"))
        .select_related("booking", "room__site")  # the line needs the site's zone
        .order_by("starts_at")
    )


def _line_for(slot: Slot) -> InvoiceLine:
    zone = slot.room.site.zoneinfo
    start, end = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
    return InvoiceLine(
        slot=slot,
        kind=InvoiceLine.Kind.HIRE,
        description=f"{slot.booking.title[:150]}, {slot.room.name[:80]}: "
        f"{start:%a %-d %b %Y} {start:%H:%M} to {end:%H:%M}",
        starts_at=slot.starts_at,
        amount_pence=slot.price_pence,
    )


@transaction.atomic
def invoices_build_month(*, actor, site: Site, month: dt.date) -> list[Invoice]:
    """Create or bring up to date the draft invoices of `site` for the month of
    `month`: one per partner (or per booking, by the site's billing), with a
    line for every approved date at its stored price not yet on an issued
    invoice. Returns the drafts touched.

    A fixed number of queries per site and one audit entry per draft: the
    drafts that exist are read at once, new drafts are created with their
    totals in one insert and every line in another."""
    _system_or(actor, "payments.build_invoices", site)
    Site.objects.select_for_update().filter(pk=site.pk).first()  # one build at a time
    first = month_start(month)
    billing = billing_for(site)
    per_booking = billing.frequency == SiteBilling.Frequency.PER_BOOKING
    groups: dict[tuple, list[Slot]] = defaultdict(list)
    for slot in _slots_to_invoice(site, first):
        key = (slot.booking.partner_id, slot.booking_id if per_booking else None)
        groups[key].append(slot)
    if not groups:
        return []
    existing = {
        (invoice.partner_id, invoice.booking_id): invoice
        for invoice in Invoice.objects.select_for_update().filter(
            site=site,
            period_start=first,
            kind=Invoice.Kind.INVOICE,
            status=Invoice.Status.DRAFT,
        )
    }
    lines = {key: [_line_for(slot) for slot in slots] for key, slots in groups.items()}
    befores = {key: snapshot(existing[key], MONEY_FIELDS) for key in existing}
    invoices, new = {}, []
    for key, key_lines in lines.items():
        invoice = existing.get(key)
        if invoice is None:
            invoice = Invoice(
                site=site,
                partner_id=key[0],
                booking_id=key[1],
                period_start=first,
                period_end=month_end(first),
            )
            new.append(invoice)
        invoice.vat_rate_bp = billing.vat_rate_bp
        added = sum(line.amount_pence for line in key_lines)
        _set_totals(invoice, invoice.subtotal_pence + added)
        invoices[key] = invoice
    Invoice.objects.bulk_create(new)  # with their totals: no second write
    for key, key_lines in lines.items():
        for line in key_lines:
            line.invoice = invoices[key]
    InvoiceLine.objects.bulk_create(
        [line for key_lines in lines.values() for line in key_lines]
    )
    for key, invoice in invoices.items():
        if key in existing:
            invoice.save()
        audit_record(
            actor=actor,
            action="invoice.draft_updated" if key in existing else "invoice.drafted",
            obj=invoice,
            changes={
                **diff(befores.get(key, _EMPTY_DRAFT), snapshot(invoice, MONEY_FIELDS)),
                "lines": [0, len(lines[key])],
            },
        )
    return list(invoices.values())


# What a new draft's money fields are "before" (for its audit entry).
_EMPTY_DRAFT = {
    "status": Invoice.Status.DRAFT,
    "subtotal_pence": 0,
    "vat_pence": 0,
    "total_pence": 0,
    "paid_pence": 0,
}


def _set_totals(invoice: Invoice, subtotal: int) -> None:
    invoice.subtotal_pence = subtotal
    invoice.vat_pence = vat_on(subtotal, invoice.vat_rate_bp)
    invoice.total_pence = subtotal + invoice.vat_pence


def _draft_for(site, billing, first, partner_id, booking_id) -> tuple[Invoice, bool]:
    existing = (
        Invoice.objects.select_for_update()
        .filter(
            site=site,
            partner_id=partner_id,
            booking_id=booking_id,
            period_start=first,
            kind=Invoice.Kind.INVOICE,
            status=Invoice.Status.DRAFT,
        )
        .first()
    )
    if existing:
        return existing, False
    invoice = Invoice.objects.create(
        site=site,
        partner_id=partner_id,
        booking_id=booking_id,
        period_start=first,
        period_end=month_end(first),
        vat_rate_bp=billing.vat_rate_bp,
    )
    return invoice, True


# --- Issue and void ----------------------------------------------------------


def _series(site: Site, kind: str) -> tuple[str, str]:
    """(counter key, number prefix): one series per trust (per site without a
    trust), credit notes in their own series."""
    owner = site.trust if site.trust_id else site
    scope = "trust" if site.trust_id else "site"
    tag = "CN" if kind == Invoice.Kind.CREDIT_NOTE else "INV"
    return f"{scope}:{owner.pk}:{tag}", f"{tag}-{owner.slug.upper()[:30]}"


def take_number(invoice: Invoice) -> None:
    """Give `invoice` the next number of its series. Must run inside the
    transaction that issues it: the counter row stays locked until commit, so
    numbers are gapless (a rolled-back issue gives its number back) and never
    taken twice."""
    _take_numbers([invoice])


def _take_numbers(invoices: list[Invoice]) -> None:
    """The next numbers of their series, in order, for invoices of one site
    and kind: the counter is locked and moved on once for all of them."""
    key, prefix = _series(invoices[0].site, invoices[0].kind)
    InvoiceCounter.objects.get_or_create(series=key)
    counter = InvoiceCounter.objects.select_for_update().get(series=key)
    for invoice in invoices:
        counter.last_number += 1
        invoice.series = key
        invoice.sequence = counter.last_number
        invoice.number = f"{prefix}-{counter.last_number:05d}"
    counter.save(update_fields=["last_number"])


def _issue_day(site: Site, issued_on: dt.date | None) -> dt.date:
    today = local_today(site)
    if issued_on is not None and issued_on > today:
        raise DomainError("The issue date cannot be in the future.", field="issued_on")
    return issued_on or today


def _mark_issued(actor, invoice: Invoice, before: dict, day, billing) -> None:
    """Date, due date and status of a numbered draft; saved and audited."""
    invoice.issued_on = day
    invoice.issued_at = timezone.now()
    invoice.due_on = day + dt.timedelta(days=billing.payment_terms_days)
    invoice.status = Invoice.Status.ISSUED
    invoice.save()
    audit_record(
        actor=actor,
        action="invoice.issued",
        obj=invoice,
        changes=diff(before, snapshot(invoice, (*MONEY_FIELDS, "number"))),
    )


@transaction.atomic
def invoice_issue(
    *, actor, invoice: Invoice, issued_on: dt.date | None = None
) -> Invoice:
    """Number and freeze a draft, set its due date, email the partner.
    `issued_on` dates it (default today at the site; never in the future)."""
    _system_or(actor, "payments.issue_invoice", invoice)
    invoice = lock(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise StateError(
            f"{invoice} is {invoice.get_status_display().lower()}: only a draft can be issued."
        )
    recount(invoice)
    if invoice.total_pence <= 0:
        raise DomainError("This draft has nothing to charge. Void it instead.")
    before = snapshot(invoice, (*MONEY_FIELDS, "number"))
    day = _issue_day(invoice.site, issued_on)
    take_number(invoice)
    _mark_issued(actor, invoice, before, day, billing_for(invoice.site))
    transaction.on_commit(lambda: _notify(invoice.pk, "issued"))
    return invoice


@transaction.atomic
def invoices_issue_month(
    *, actor, site: Site, month: dt.date, issued_on: dt.date | None = None
) -> list[Invoice]:
    """Issue every draft of `site` for the month of `month` at once (the
    monthly run: `build_invoices --issue`, the Income page's "Issue all
    drafts"): numbered in order under one lock of the counter, each saved and
    audited as `invoice_issue` does, the partners emailed after commit by one
    task. Drafts with nothing to charge stay drafts. A fixed number of
    queries plus two per invoice (its update and its audit entry)."""
    drafts = list(
        Invoice.objects.select_for_update()
        .select_related("site")
        .filter(
            site=site,
            period_start=month_start(month),
            kind=Invoice.Kind.INVOICE,
            status=Invoice.Status.DRAFT,
        )
        .order_by("pk")
    )
    for draft in drafts:
        _system_or(actor, "payments.issue_invoice", draft)
    day = _issue_day(site, issued_on)
    subtotals = dict(
        InvoiceLine.objects.filter(invoice__in=drafts)
        .values("invoice")
        .annotate(total=Sum("amount_pence"))
        .values_list("invoice", "total")
    )
    for draft in drafts:
        _set_totals(draft, subtotals.get(draft.pk, 0))
    issuable = [draft for draft in drafts if draft.total_pence > 0]
    if not issuable:
        return []
    befores = [snapshot(i, (*MONEY_FIELDS, "number")) for i in issuable]
    _take_numbers(issuable)
    billing = billing_for(site)
    for invoice, before in zip(issuable, befores, strict=True):
        _mark_issued(actor, invoice, before, day, billing)
    ids = [invoice.pk for invoice in issuable]
    transaction.on_commit(lambda: _notify_many(ids, "issued"))
    return issuable


@transaction.atomic
def invoice_void(*, actor, invoice: Invoice, reason: str) -> Invoice:
    """Void a draft, or an issued invoice nothing has been paid on (its number
    stays used: the series has no gaps). Open card attempts are cancelled."""
    _system_or(actor, "payments.void_invoice", invoice)
    invoice = lock(invoice)
    if invoice.status == Invoice.Status.VOID:
        raise StateError(f"{invoice} is already void.")
    if invoice.is_credit_note:
        raise StateError("A credit note cannot be voided.")
    if invoice.paid_pence > 0 or invoice.status == Invoice.Status.PAID:
        raise StateError(
            f"{invoice} has payments on it: issue a credit note or refund instead."
        )
    if invoice.status != Invoice.Status.DRAFT and not reason.strip():
        raise DomainError("Give a reason: the partner will see it.", field="reason")
    before = snapshot(invoice, MONEY_FIELDS)
    invoice.status = Invoice.Status.VOID
    invoice.voided_at = timezone.now()
    invoice.void_reason = reason.strip()[:500]
    invoice.save()
    pending = list(
        invoice.payments.select_for_update().filter(status=Payment.Status.PENDING)
    )
    for payment in pending:
        payment.status = Payment.Status.CANCELLED
        payment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="invoice.voided",
        obj=invoice,
        reason=reason,
        changes=diff(before, snapshot(invoice, MONEY_FIELDS)),
    )
    intents = [
        p.stripe_payment_intent_id for p in pending if p.stripe_payment_intent_id
    ]
    transaction.on_commit(lambda: _cancel_intents(intents))
    return invoice


def _cancel_intents(intent_ids: list[str]) -> None:
    from payments.tasks import cancel_intent

    for intent_id in intent_ids:
        cancel_intent.delay(intent_id)


def _notify(invoice_id: int, kind: str) -> None:
    from payments.tasks import send_invoice_email

    send_invoice_email.delay(invoice_id, kind)


def _notify_many(invoice_ids: list[int], kind: str) -> None:
    from payments.tasks import send_invoice_emails

    send_invoice_emails.delay(invoice_ids, kind)


# --- Cancelled dates: credit notes and late-cancellation charges -------------


def late_charge(slot: Slot, billing: SiteBilling, now: dt.datetime) -> int:
    """What a date cancelled at `now` still costs, by the site's policy."""
    window = dt.timedelta(hours=billing.cancellation_window_hours)
    if slot.starts_at - now >= window:
        return 0
    return round_pence(
        Decimal(slot.price_pence) * billing.cancellation_charge_percent / 100
    )


@transaction.atomic
def slots_cancelled_apply(*, slot_ids: list[int], reason: str, now=None) -> None:
    """The system's answer to cancelled dates (bookings.signals.slots_cancelled):
    a date on a draft leaves it (with a late-cancellation charge inside the
    policy window); a date on an issued invoice gets a credit note for what is
    not charged; a date not yet invoiced but cancelled late goes on its month's
    draft as a charge. Idempotent: a date already credited or charged is skipped."""
    now = now or timezone.now()
    slots = Slot.objects.filter(
        pk__in=slot_ids, state=Slot.State.CANCELLED
    ).select_related("booking", "room__site")
    for slot in slots:
        _slot_cancelled(slot, reason, now)


def _slot_cancelled(slot: Slot, reason: str, now) -> None:
    done = InvoiceLine.objects.filter(
        slot=slot, kind__in=[InvoiceLine.Kind.CANCELLATION, InvoiceLine.Kind.CREDIT]
    ).exclude(invoice__status=Invoice.Status.VOID)
    if done.exists():
        return
    site = slot.room.site
    billing = billing_for(site)
    charge = late_charge(slot, billing, now)
    hire = (
        InvoiceLine.objects.filter(
            slot=slot, kind=InvoiceLine.Kind.HIRE, invoice__kind="invoice"
        )
        .exclude(invoice__status=Invoice.Status.VOID)
        .select_related("invoice")
        .first()
    )
    if hire is None or hire.invoice.status == Invoice.Status.DRAFT:
        _charge_on_draft(slot, hire, charge, billing, reason)
    else:
        credit = hire.amount_pence - charge
        if credit > 0:
            _credit_note(hire.invoice, slot, credit, reason)


def _charge_on_draft(slot, hire, charge, billing, reason) -> None:
    site = slot.room.site
    per_booking = billing.frequency == SiteBilling.Frequency.PER_BOOKING
    if hire is not None:
        invoice = lock(hire.invoice)
        hire.delete()
    elif charge:
        first = month_start(slot.starts_at.astimezone(site.zoneinfo).date())
        booking_id = slot.booking_id if per_booking else None
        invoice, _ = _draft_for(
            site, billing, first, slot.booking.partner_id, booking_id
        )
    else:
        return
    before = snapshot(invoice, MONEY_FIELDS)
    if charge:
        line = _line_for(slot)
        line.invoice = invoice
        line.kind = InvoiceLine.Kind.CANCELLATION
        line.description = f"Late cancellation: {line.description}"[:300]
        line.amount_pence = charge
        line.save()
    recount(invoice)
    invoice.save()
    audit_record(
        actor=None,
        action="invoice.draft_updated",
        obj=invoice,
        reason=reason,
        changes={
            **diff(before, snapshot(invoice, MONEY_FIELDS)),
            "slot_cancelled": [None, slot.pk],
        },
    )


def _credit_note(invoice: Invoice, slot: Slot, credit: int, reason: str) -> Invoice:
    invoice = lock(invoice)
    note = Invoice.objects.create(
        kind=Invoice.Kind.CREDIT_NOTE,
        credit_for=invoice,
        site=invoice.site,
        partner_id=invoice.partner_id,
        booking_id=invoice.booking_id,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        vat_rate_bp=invoice.vat_rate_bp,
    )
    line = _line_for(slot)
    line.invoice, line.kind, line.amount_pence = note, InvoiceLine.Kind.CREDIT, credit
    line.description = f"Credit, cancelled: {line.description}"[:300]
    line.save()
    recount(note)
    if invoice.credited_pence + note.total_pence > invoice.total_pence:
        raise StateError(f"{invoice} is already fully credited.")
    today = local_today(invoice.site)
    take_number(note)
    note.status, note.issued_on, note.issued_at = (
        Invoice.Status.ISSUED,
        today,
        timezone.now(),
    )
    note.due_on = today
    note.save()
    audit_record(
        actor=None,
        action="credit_note.issued",
        obj=note,
        reason=reason,
        changes={
            "total_pence": [None, note.total_pence],
            "credit_for": [None, invoice.number],
        },
    )
    before = snapshot(invoice, (*MONEY_FIELDS, "credited_pence"))
    invoice.credited_pence += note.total_pence
    settle_status(invoice, today)
    invoice.save()
    audit_record(
        actor=None,
        action="invoice.credited",
        obj=invoice,
        reason=reason,
        changes=diff(before, snapshot(invoice, (*MONEY_FIELDS, "credited_pence"))),
    )
    transaction.on_commit(lambda: _notify(note.pk, "issued"))
    return note


# --- Overdue -----------------------------------------------------------------


@transaction.atomic
def invoices_mark_overdue() -> list[int]:
    """Open invoices past their due date become overdue (the system, audited).
    Returns the ids that changed."""
    changed = []
    candidates = (
        Invoice.objects.select_for_update()
        .select_related("site")
        .filter(
            kind=Invoice.Kind.INVOICE,
            status__in=[Invoice.Status.ISSUED, Invoice.Status.PART_PAID],
            due_on__lt=timezone.now().date() + dt.timedelta(days=1),
        )
    )
    for invoice in candidates:
        before = snapshot(invoice, MONEY_FIELDS)
        settle_status(invoice)
        if invoice.status == Invoice.Status.OVERDUE:
            invoice.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=None,
                action="invoice.overdue",
                obj=invoice,
                changes=diff(before, snapshot(invoice, MONEY_FIELDS)),
            )
            changed.append(invoice.pk)
    return changed


# --- Billing settings ----------------------------------------------------------

BILLING_FIELDS = (
    "frequency",
    "vat_rate_bp",
    "vat_number",
    "payment_terms_days",
    "cancellation_window_hours",
    "cancellation_charge_percent",
    "remittance_details",
)


@transaction.atomic
def site_billing_update(*, actor, site: Site, **values) -> SiteBilling:
    """Change how `site` bills room hire (business manager). Applies to drafts
    built or issued from now on; issued invoices keep their VAT rate."""
    require_perm(actor, "payments.change_billing", site)
    billing, _ = SiteBilling.objects.select_for_update().get_or_create(site=site)
    before = snapshot(billing, BILLING_FIELDS)
    for name in BILLING_FIELDS:
        if name in values:
            setattr(billing, name, values[name])
    billing.save()
    audit_record(
        actor=actor,
        action="site_billing.changed",
        obj=billing,
        changes=diff(before, snapshot(billing, BILLING_FIELDS)),
        site_id=site.pk,
    )
    return billing
