"""Repair missed webhooks: ask Stripe about every pending card payment."""

from collections import Counter

from payments.errors import GatewayError
from payments.models import Payment
from payments.services import payment_reconcile


def reconcile_pending() -> dict:
    """{outcome: count} for every pending card payment (invoices and H2's
    sign-up holds). A payment Stripe cannot be asked about is counted under
    "error" and tried again next time."""
    outcomes: Counter = Counter()
    pending = Payment.objects.filter(
        status=Payment.Status.PENDING, stripe_payment_intent_id__isnull=False
    ).values_list("pk", flat=True)
    for payment_id in list(pending):
        try:
            outcome = payment_reconcile(payment=Payment(pk=payment_id))
        except GatewayError:
            outcome = "error"
        outcomes[outcome.split(";")[0]] += 1
    # Sign-up refunds recorded while Stripe was away (payments.signup_payments).
    from payments.signup_payments import refunds_send_pending

    if sent := refunds_send_pending():
        outcomes["sign-up refund sent"] += sent
    # Invoice refunds likewise (payments.services.invoice_payment_refund).
    from payments.services import invoice_refunds_send_pending

    if sent := invoice_refunds_send_pending():
        outcomes["invoice refund sent"] += sent
    return dict(outcomes)
