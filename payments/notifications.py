"""Invoice emails: issued (and credit notes), overdue reminders, card receipts.
Called from transaction.on_commit only (through payments.tasks), so nothing is
sent for a change that was rolled back."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from bookings.pricing import format_pence
from partners.models import PartnerMembership
from payments.models import Invoice, Payment


def _invoice(invoice_id: int) -> Invoice:
    return Invoice.objects.select_related("partner", "site", "credit_for").get(
        pk=invoice_id
    )


def recipients(invoice: Invoice) -> list[str]:
    """The partner's contact address and its admins'."""
    admins = PartnerMembership.objects.filter(
        partner_id=invoice.partner_id, role=PartnerMembership.Role.ADMIN
    ).values_list("user__email", flat=True)
    return sorted({e for e in [invoice.partner.contact_email, *admins] if e})


def _link(invoice: Invoice) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{reverse('payments:invoice', args=[invoice.pk])}"


def _summary(invoice: Invoice) -> list[str]:
    return [
        f"{invoice} from {invoice.site.name} to {invoice.partner.name}",
        f"Period: {invoice.period_start:%-d %B %Y} to {invoice.period_end:%-d %B %Y}",
        f"Total: {format_pence(invoice.total_pence)} "
        f"(VAT {format_pence(invoice.vat_pence)})",
    ]


def invoice_email(invoice_id: int, kind: str) -> None:
    invoice = _invoice(invoice_id)
    to = recipients(invoice)
    if not to:
        return
    if invoice.is_credit_note:
        subject = f"Credit note {invoice.number} for {invoice.credit_for.number}"
        lines = [
            *_summary(invoice),
            "",
            f"It reduces what you owe on {invoice.credit_for.number}.",
        ]
    elif kind == "overdue":
        subject = f"Reminder: invoice {invoice.number} is overdue"
        lines = [
            *_summary(invoice),
            f"It was due on {invoice.due_on:%-d %B %Y}. Still to pay: "
            f"{format_pence(invoice.balance_pence)}.",
        ]
    else:
        subject = f"Invoice {invoice.number} from {invoice.site.name}"
        lines = [*_summary(invoice), f"Due by {invoice.due_on:%-d %B %Y}."]
    lines += ["", f"See it, print it or pay it: {_link(invoice)}"]
    send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, to)


def receipt_email(payment_id: int) -> None:
    payment = Payment.objects.select_related("invoice__partner", "invoice__site").get(
        pk=payment_id
    )
    invoice = payment.invoice
    if invoice is None:
        return
    to = recipients(invoice)
    if not to:
        return
    body = "\n".join(
        [
            f"Thank you: we received {format_pence(payment.amount_pence)} by "
            f"{payment.get_method_display().lower()} for {invoice}.",
            f"Still to pay: {format_pence(invoice.balance_pence)}.",
            "",
            _link(invoice),
        ]
    )
    send_mail(f"Receipt for {invoice}", body, settings.DEFAULT_FROM_EMAIL, to)
