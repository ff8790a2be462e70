"""Background jobs for invoices and payments. With REDIS_URL set they run on
Celery workers; without it eagerly in the web process (after commit)."""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from hub.celery import app
from payments import gateway, notifications

log = logging.getLogger(__name__)


@app.task(ignore_result=True)
def send_invoice_email(invoice_id: int, kind: str) -> None:
    notifications.invoice_email(invoice_id, kind)


@app.task(ignore_result=True)
def send_invoice_emails(invoice_ids: list[int], kind: str) -> None:
    """The emails of a monthly run, one task for them all."""
    notifications.invoice_emails(invoice_ids, kind)


@app.task(ignore_result=True)
def send_receipt(payment_id: int) -> None:
    notifications.receipt_email(payment_id)


@app.task(ignore_result=True)
def cancel_intent(intent_id: str) -> None:
    gateway.cancel_intent(intent_id, idempotency_key=f"cancel-{intent_id}")


@app.task(ignore_result=True)
def send_refund(refund_id: int) -> None:
    """Ask Stripe for a refund we recorded (idempotent by the refund's id).
    Stripe away: the refund stays pending and reconcile sends it again."""
    from payments.models import Refund
    from payments.services import refund_mark_sent

    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.stripe_refund_id or refund.status != Refund.Status.PENDING:
        return
    try:
        sent = gateway.create_refund(
            payment_intent_id=refund.payment.stripe_payment_intent_id,
            amount_pence=refund.amount_pence,
            idempotency_key=f"refund-{refund.pk}",
            metadata={
                "kind": "invoice" if refund.payment.invoice_id else "signup",
                "object_id": str(refund.payment.invoice_id or refund.payment.signup_id),
                "refund_id": str(refund.pk),
            },
        )
    except gateway.GatewayError:
        log.warning("Refund %s not sent to Stripe; it stays pending", refund.pk)
        return
    refund_mark_sent(refund=refund, stripe_refund=sent)


@app.task(ignore_result=True)
def send_refund_notice(refund_id: int) -> None:
    notifications.refund_email(refund_id)


REMINDER_EVERY = dt.timedelta(days=7)


@app.task(ignore_result=True)
def send_overdue_reminders() -> int:
    """Beat job (daily): mark invoices past their due date overdue and remind
    the partner once a week while they stay unpaid. Returns reminders sent."""
    from payments.invoicing import invoices_mark_overdue
    from payments.models import Invoice

    invoices_mark_overdue()
    today = timezone.now().date()
    due = Invoice.objects.filter(status=Invoice.Status.OVERDUE).exclude(
        last_reminder_on__gt=today - REMINDER_EVERY
    )
    sent = 0
    for invoice_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
            if (
                invoice.last_reminder_on
                and invoice.last_reminder_on > today - REMINDER_EVERY
            ):
                continue
            invoice.last_reminder_on = today
            invoice.save(update_fields=["last_reminder_on", "updated_at"])
            transaction.on_commit(
                lambda pk=invoice_id: send_invoice_email.delay(pk, "overdue")
            )
        sent += 1
    return sent


@app.task(ignore_result=True)
def reconcile() -> dict:
    """Beat job (hourly): ask Stripe about every pending card payment
    (invoices and sign-up holds) and apply what it says."""
    from payments.reconcile import reconcile_pending

    return reconcile_pending()


@app.task(ignore_result=True)
def build_month(month_iso: str | None = None) -> int:
    """Build last month's drafts at every site (or the month given)."""
    from hub.models import Site
    from payments.invoicing import invoices_build_month, month_start

    if month_iso:
        month = dt.date.fromisoformat(month_iso)
    else:
        month = month_start(timezone.now().date()) - dt.timedelta(days=1)
    return sum(
        len(invoices_build_month(actor=None, site=site, month=month))
        for site in Site.objects.all()
    )
