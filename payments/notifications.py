"""Invoice emails: issued (and credit notes), overdue reminders, card receipts.
Called from transaction.on_commit only (through payments.tasks), so nothing is
sent for a change that was rolled back."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.urls import reverse

from bookings.pricing import format_pence
from partners.models import PartnerMembership
from payments.models import Invoice, Payment


def recipients(invoice: Invoice) -> list[str]:
    """The partner's contact address and its admins'."""
    return _recipients([invoice])[invoice.partner_id]


def _recipients(invoices: list[Invoice]) -> dict[int, list[str]]:
    """{partner id: addresses} for the invoices' partners, in one query."""
    admins: dict[int, set[str]] = {i.partner_id: set() for i in invoices}
    for partner_id, email in PartnerMembership.objects.filter(
        partner_id__in=admins, role=PartnerMembership.Role.ADMIN
    ).values_list("partner_id", "user__email"):
        admins[partner_id].add(email)
    for invoice in invoices:
        admins[invoice.partner_id].add(invoice.partner.contact_email)
    return {pk: sorted(e for e in emails if e) for pk, emails in admins.items()}


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
    invoice_emails([invoice_id], kind)


def invoice_emails(invoice_ids: list[int], kind: str) -> None:
    """Issued (or credit note, or overdue) emails for the invoices, sent over
    one connection: two queries whatever their number."""
    invoices = list(
        Invoice.objects.select_related("partner", "site", "credit_for")
        .filter(pk__in=invoice_ids)
        .order_by("pk")
    )
    to = _recipients(invoices)
    messages = []
    for invoice in invoices:
        if to[invoice.partner_id]:
            subject, body = _invoice_message(invoice, kind)
            messages.append(
                EmailMessage(
                    subject, body, settings.DEFAULT_FROM_EMAIL, to[invoice.partner_id]
                )
            )
    if messages:
        get_connection().send_messages(messages)


def _invoice_message(invoice: Invoice, kind: str) -> tuple[str, str]:
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
    return subject, "\n".join(lines)


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


def refund_email(refund_id: int) -> None:
    """Tell the partner about a refund of an invoice payment and why."""
    from payments.models import Refund

    refund = Refund.objects.select_related(
        "payment__invoice__partner", "payment__invoice__site"
    ).get(pk=refund_id)
    invoice = refund.payment.invoice
    if invoice is None:
        return
    to = recipients(invoice)
    if not to:
        return
    how = (
        "It goes back to the card you paid with and takes 5 to 10 days to arrive."
        if refund.payment.method == Payment.Method.CARD
        else f"{invoice.site.name} is returning it to you "
        f"(you paid by {refund.payment.get_method_display().lower()})."
    )
    body = "\n".join(
        [
            f"We are refunding {format_pence(refund.amount_pence)} of your "
            f"payment for {invoice}.",
            f"Reason: {refund.reason}",
            how,
            "",
            _link(invoice),
        ]
    )
    send_mail(f"Refund for {invoice}", body, settings.DEFAULT_FROM_EMAIL, to)
