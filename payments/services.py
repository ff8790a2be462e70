"""Money in: offline payments recorded by the business manager, card payments
through a Stripe PaymentIntent, and what Stripe tells us afterwards (applied
by payments.webhooks and payments.reconcile).

An invoice's paid total only changes under its row lock (`invoicing.lock`), so
two payments at once can never take it past its balance. A card payment that
arrives when the balance is already covered (an offline payment was recorded
meanwhile) is kept and the excess refunded automatically.
"""

from __future__ import annotations

import datetime as dt
import importlib

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bookings.pricing import format_pence
from hub.audit import audit_record, diff, snapshot
from hub.errors import DomainError, StateError
from hub.rules import require_perm
from payments import gateway
from payments.invoicing import OPEN, local_today, lock, settle_status
from payments.models import Invoice, Payment, Refund

MONEY_FIELDS = ("status", "paid_pence", "credited_pence")
OFFLINE_METHODS = (
    Payment.Method.BANK_TRANSFER,
    Payment.Method.CHEQUE,
    Payment.Method.CASH,
)


def _require_open(invoice: Invoice) -> None:
    if invoice.is_credit_note:
        raise StateError("A credit note is not paid: it reduces its invoice.")
    if invoice.status not in OPEN:
        raise StateError(
            f"{invoice} is {invoice.get_status_display().lower()}: nothing can be "
            "paid on it."
        )


def _require_amount(invoice: Invoice, amount_pence: int) -> None:
    if amount_pence <= 0:
        raise DomainError("Amount must be more than zero.", field="amount_pence")
    if amount_pence > invoice.balance_pence:
        raise DomainError(
            f"Amount: that is more than the balance of {invoice} "
            f"({invoice.balance_pence} pence). Enter at most the balance.",
            field="amount_pence",
        )


def recount_paid(invoice: Invoice) -> None:
    """paid_pence = succeeded payments minus their refunds (pending or done),
    recomputed from the rows so applying the same event twice changes nothing."""
    paid = (
        invoice.payments.filter(status=Payment.Status.SUCCEEDED).aggregate(
            total=Sum("amount_pence")
        )["total"]
        or 0
    )
    refunded = (
        Refund.objects.filter(
            payment__invoice=invoice,
            payment__status=Payment.Status.SUCCEEDED,
            status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED],
        ).aggregate(total=Sum("amount_pence"))["total"]
        or 0
    )
    invoice.paid_pence = paid - refunded
    settle_status(invoice)


@transaction.atomic
def invoice_payment_record(
    *,
    actor,
    invoice: Invoice,
    amount_pence: int,
    method: str,
    reference: str = "",
    received_on: dt.date | None = None,
) -> Payment:
    """Record money received offline (bank transfer, cheque, cash)."""
    require_perm(actor, "payments.record_payment", invoice)
    if method not in OFFLINE_METHODS:
        raise DomainError(
            "Method: choose bank transfer, cheque or cash (card payments are "
            "recorded by Stripe).",
            field="method",
        )
    invoice = lock(invoice)
    _require_open(invoice)
    _require_amount(invoice, amount_pence)
    received_on = received_on or local_today(invoice.site)
    if received_on > local_today(invoice.site):
        raise DomainError("Date received cannot be in the future.", field="received_on")
    before = snapshot(invoice, MONEY_FIELDS)
    payment = Payment.objects.create(
        invoice=invoice,
        method=method,
        status=Payment.Status.SUCCEEDED,
        amount_pence=amount_pence,
        reference=reference.strip()[:100],
        received_on=received_on,
        recorded_by=actor,
        succeeded_at=timezone.now(),
    )
    recount_paid(invoice)
    invoice.save()
    audit_record(
        actor=actor,
        action="invoice.payment_recorded",
        obj=invoice,
        reason=reference,
        changes={
            **diff(before, snapshot(invoice, MONEY_FIELDS)),
            "payment": [None, {"method": method, "amount_pence": amount_pence}],
        },
    )
    return payment


@transaction.atomic
def invoice_card_intent(
    *, actor, invoice: Invoice, amount_pence: int | None = None
) -> tuple[Payment, gateway.Intent]:
    """A Stripe PaymentIntent for the balance (or part of it): the page's
    Stripe.js confirms it with the card. One card attempt per invoice at a
    time: asking again for the same amount gives the same intent back."""
    require_perm(
        actor,
        "payments.pay_invoice",
        invoice,
        message="Only the partner's staff can pay this invoice by card.",
    )
    if not gateway.card_payments_enabled():
        raise StateError(
            "Card payments are not set up on this site. Pay by bank transfer "
            "or cheque instead."
        )
    invoice = lock(invoice)
    _require_open(invoice)
    amount = invoice.balance_pence if amount_pence is None else amount_pence
    _require_amount(invoice, amount)
    pending = invoice.payments.filter(
        status=Payment.Status.PENDING, method=Payment.Method.CARD
    ).first()
    if pending and pending.amount_pence == amount:
        return pending, gateway.retrieve_intent(pending.stripe_payment_intent_id)
    if pending:
        _cancel_pending(pending)
    payment = Payment.objects.create(
        invoice=invoice, method=Payment.Method.CARD, amount_pence=amount
    )
    intent = gateway.create_intent(
        amount_pence=amount,
        idempotency_key=f"invoice-payment-{payment.pk}",
        metadata={"kind": "invoice", "object_id": str(invoice.pk)},
        description=f"{invoice} ({invoice.site.name})",
    )
    payment.stripe_payment_intent_id = intent.id
    payment.save(update_fields=["stripe_payment_intent_id", "updated_at"])
    audit_record(
        actor=actor,
        action="invoice.card_payment_started",
        obj=invoice,
        changes={"payment": [None, {"amount_pence": amount, "intent": intent.id}]},
    )
    return payment, intent


def _cancel_pending(payment: Payment) -> None:
    payment.status = Payment.Status.CANCELLED
    payment.save(update_fields=["status", "updated_at"])
    intent_id = payment.stripe_payment_intent_id
    if intent_id:
        transaction.on_commit(
            lambda: gateway.cancel_intent(
                intent_id, idempotency_key=f"cancel-{intent_id}"
            )
        )


# --- Refunds of invoice payments (the business manager) ----------------------


def refundable_pence(payment: Payment) -> int:
    """What is left to refund of `payment`: its amount less the refunds
    pending or made, counted from the refund rows (one query)."""
    if payment.status != Payment.Status.SUCCEEDED:
        return 0
    taken = (
        payment.refunds.filter(
            status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]
        ).aggregate(total=Sum("amount_pence"))["total"]
        or 0
    )
    return max(payment.amount_pence - taken, 0)


@transaction.atomic
def invoice_payment_refund(
    *, actor, payment: Payment, amount_pence: int, reason: str
) -> Refund:
    """Give back all or part of one payment of an invoice (business manager).

    A card payment is refunded through Stripe: the refund is recorded pending
    and sent after commit with the idempotency key "refund-<pk>" (a rolled
    back refund is never sent; a retry never refunds twice). Money received
    offline is recorded as returned (the manager hands it back by transfer,
    cheque or cash) and counts at once. Never more than the payment less its
    refunds: the payment and then its invoice are locked (the order the
    webhook locks them in), so two refunds at once cannot pass it. The
    invoice's paid total and status follow; the partner is emailed."""
    if payment.invoice_id is None:
        raise StateError(
            "This payment is for an activity place: refund it from the "
            "sign-up's money page."
        )
    require_perm(
        actor,
        "payments.refund_invoice_payment",
        payment.invoice,
        message="Only the school's business manager can refund an invoice payment.",
    )
    if amount_pence <= 0:
        raise DomainError("Amount must be more than zero.", field="amount_pence")
    reason = reason.strip()
    if not reason:
        raise DomainError(
            "Enter why you are refunding: the partner will see it.", field="reason"
        )
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    invoice = lock(payment.invoice)
    if payment.status != Payment.Status.SUCCEEDED:
        raise StateError(
            f"This payment is {payment.get_status_display().lower()}: only money "
            "received can be refunded."
        )
    left = refundable_pence(payment)
    if left == 0:
        raise StateError("This payment is refunded in full already.")
    if amount_pence > left:
        raise DomainError(
            f"Amount: at most {format_pence(left)} of this payment can be "
            "refunded (what was paid, less what is refunded already).",
            field="amount_pence",
        )
    card = payment.method == Payment.Method.CARD
    before = snapshot(invoice, MONEY_FIELDS)
    refund = Refund.objects.create(
        payment=payment,
        amount_pence=amount_pence,
        reason=reason[:500],
        status=Refund.Status.PENDING if card else Refund.Status.SUCCEEDED,
        created_by=actor,
    )
    _recount_refunded(payment)
    recount_paid(invoice)
    invoice.save()
    audit_record(
        actor=actor,
        action="invoice.refund_requested" if card else "invoice.refund_recorded",
        obj=invoice,
        reason=reason,
        changes={
            **diff(before, snapshot(invoice, MONEY_FIELDS)),
            "refund": [
                None,
                {
                    "payment": payment.pk,
                    "method": payment.method,
                    "amount_pence": amount_pence,
                    "status": refund.status,
                },
            ],
        },
    )
    refund_id = refund.pk
    if card:
        transaction.on_commit(lambda: _send_refund(refund_id))
    transaction.on_commit(lambda: _refund_notice(refund_id))
    return refund


def invoice_refunds_send_pending() -> int:
    """Send again the invoice card refunds that never reached Stripe (Stripe
    was away); reconcile calls this. Returns how many went."""
    from payments.tasks import send_refund

    pending = Refund.objects.filter(
        status=Refund.Status.PENDING,
        stripe_refund_id__isnull=True,
        payment__invoice__isnull=False,
        payment__method=Payment.Method.CARD,
    ).values_list("pk", flat=True)
    sent = 0
    for refund_id in list(pending):
        send_refund(refund_id)
        sent += Refund.objects.filter(
            pk=refund_id, stripe_refund_id__isnull=False
        ).exists()
    return sent


def _refund_notice(refund_id: int) -> None:
    from payments.tasks import send_refund_notice

    send_refund_notice.delay(refund_id)


# --- What Stripe tells us (webhooks and reconcile) ---------------------------


def signup_hooks():
    """H2's module for sign-up payments, or None while it does not exist."""
    try:
        return importlib.import_module("payments.signup_payments")
    except ModuleNotFoundError:
        return None


def _payment_for_intent(intent: dict) -> Payment | None:
    payment = (
        Payment.objects.select_for_update()
        .filter(stripe_payment_intent_id=intent["id"])
        .first()
    )
    if payment is not None:
        return payment
    meta = intent.get("metadata") or {}
    if meta.get("kind") != "invoice" or not str(meta.get("object_id", "")).isdigit():
        return None
    # An intent we made but whose row was lost (crash between Stripe and our
    # commit): rebuild it from the metadata.
    invoice = Invoice.objects.filter(pk=int(meta["object_id"])).first()
    if invoice is None:
        return None
    return Payment.objects.create(
        invoice=invoice,
        method=Payment.Method.CARD,
        amount_pence=int(intent["amount"]),
        stripe_payment_intent_id=intent["id"],
    )


def intent_succeeded(intent: dict) -> str:
    """Apply a succeeded PaymentIntent once. Returns what happened."""
    payment = _payment_for_intent(intent)
    if payment is None:
        return "ignored: no payment for this intent"
    if payment.status == Payment.Status.SUCCEEDED:
        return "already applied"
    payment.status = Payment.Status.SUCCEEDED
    payment.succeeded_at = timezone.now()
    payment.received_on = timezone.localdate()
    payment.save(update_fields=["status", "succeeded_at", "received_on", "updated_at"])
    if payment.invoice_id:
        outcome = _invoice_paid_by_card(payment)
    else:
        hooks = signup_hooks()
        if hooks is not None:
            hooks.intent_succeeded(payment, intent)
        outcome = "sign-up payment succeeded"
    replay_waiting_refunds(intent["id"])
    return outcome


def _invoice_paid_by_card(payment: Payment) -> str:
    invoice = lock(payment.invoice)
    before = snapshot(invoice, MONEY_FIELDS)
    owed = invoice.total_pence - invoice.credited_pence - invoice.paid_pence
    if invoice.status == Invoice.Status.VOID:
        owed = 0
    excess = payment.amount_pence - max(owed, 0)
    refund = None
    if excess > 0:
        refund = Refund.objects.create(
            payment=payment,
            amount_pence=excess,
            reason="Paid twice: the invoice's balance was already covered.",
        )
        payment.refunded_pence = excess
        payment.save(update_fields=["refunded_pence", "updated_at"])
    recount_paid(invoice)
    invoice.save()
    audit_record(
        actor=None,
        action="invoice.paid_by_card",
        obj=invoice,
        changes={
            **diff(before, snapshot(invoice, MONEY_FIELDS)),
            "payment": [
                None,
                {
                    "amount_pence": payment.amount_pence,
                    "excess_refunded": max(excess, 0),
                },
            ],
        },
    )
    if refund is not None:
        refund_id = refund.pk
        transaction.on_commit(lambda: _send_refund(refund_id))
        return f"paid; {excess} pence over the balance refunded"
    transaction.on_commit(lambda: _receipt(payment.pk))
    return "invoice paid by card"


def _send_refund(refund_id: int) -> None:
    from payments.tasks import send_refund

    send_refund.delay(refund_id)


def _receipt(payment_id: int) -> None:
    from payments.tasks import send_receipt

    send_receipt.delay(payment_id)


def intent_ended(intent: dict, status: str) -> str:
    """A failed or cancelled intent: its pending payment says so (a payment
    that already succeeded is never undone)."""
    payment = _payment_for_intent(intent)
    if payment is None:
        return "ignored: no payment for this intent"
    if payment.status != Payment.Status.PENDING:
        return f"already {payment.status}"
    error = intent.get("last_payment_error") or {}
    payment.status = status
    payment.failure_message = str(error.get("message") or "")[:500]
    payment.save(update_fields=["status", "failure_message", "updated_at"])
    if payment.invoice_id:
        audit_record(
            actor=None,
            action=f"invoice.card_payment_{status}",
            obj=payment.invoice,
            changes={"payment": [None, {"amount_pence": payment.amount_pence}]},
        )
    elif status == Payment.Status.FAILED:
        hooks = signup_hooks()
        if hooks is not None:
            hooks.intent_failed(payment, intent)
    return f"payment {status}"


def refund_seen(obj: dict) -> str | None:
    """Apply a Stripe refund object. None when its payment is not known (or
    not yet succeeded): the event waits and is replayed when it is."""
    intent_id = obj.get("payment_intent") or ""
    payment = (
        Payment.objects.select_for_update()
        .filter(stripe_payment_intent_id=intent_id)
        .first()
    )
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        return None
    status = {
        "succeeded": Refund.Status.SUCCEEDED,
        "failed": Refund.Status.FAILED,
        "canceled": Refund.Status.FAILED,
    }.get(obj.get("status"), Refund.Status.PENDING)
    refund = (
        Refund.objects.select_for_update().filter(stripe_refund_id=obj["id"]).first()
    )
    if refund is None:
        refund = _match_unsent_refund(payment, obj) or Refund(
            payment=payment,
            amount_pence=int(obj["amount"]),
            stripe_refund_id=obj["id"],
            reason="Refunded in Stripe",
        )
    if refund.pk and refund.status == status:
        return "refund already applied"
    if refund.pk and status == Refund.Status.PENDING:
        return "refund already settled"  # an older event, delivered late
    refund.stripe_refund_id = obj["id"]
    refund.status = status
    refund.save()
    _recount_refunded(payment)
    if payment.invoice_id:
        invoice = lock(payment.invoice)
        before = snapshot(invoice, MONEY_FIELDS)
        recount_paid(invoice)
        invoice.save()
        audit_record(
            actor=None,
            action="invoice.refund_" + status,
            obj=invoice,
            changes={
                **diff(before, snapshot(invoice, MONEY_FIELDS)),
                "refund": [
                    None,
                    {"amount_pence": refund.amount_pence, "id": obj["id"]},
                ],
            },
        )
    else:
        hooks = signup_hooks()
        if hooks is not None and hasattr(hooks, "refund_settled"):
            hooks.refund_settled(refund)
    return f"refund {status}"


def _match_unsent_refund(payment: Payment, obj: dict) -> Refund | None:
    """A refund we asked for whose Stripe id we have not stored yet."""
    return (
        payment.refunds.select_for_update()
        .filter(stripe_refund_id__isnull=True, amount_pence=int(obj["amount"]))
        .order_by("pk")
        .first()
    )


def _recount_refunded(payment: Payment) -> None:
    total = (
        payment.refunds.filter(
            status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]
        ).aggregate(total=Sum("amount_pence"))["total"]
        or 0
    )
    if total > payment.amount_pence:
        raise StateError("Refunds cannot add up to more than the payment.")
    payment.refunded_pence = total
    payment.save(update_fields=["refunded_pence", "updated_at"])


def replay_waiting_refunds(intent_id: str) -> None:
    """Refund events that arrived before their payment: apply them now."""
    from payments.models import StripeEvent
    from payments.webhooks import process_stored

    waiting = StripeEvent.objects.select_for_update().filter(
        payment_intent_id=intent_id, processed_at__isnull=True
    )
    for event in waiting.order_by("received_at"):
        process_stored(event)


@transaction.atomic
def refund_mark_sent(*, refund: Refund, stripe_refund: gateway.StripeRefund) -> None:
    """Store the Stripe id (and status) of a refund we asked for."""
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.stripe_refund_id:
        return
    if Refund.objects.filter(stripe_refund_id=stripe_refund.id).exists():
        return  # the webhook got here first and made its own row
    refund.stripe_refund_id = stripe_refund.id
    if stripe_refund.status == "succeeded":
        refund.status = Refund.Status.SUCCEEDED
    elif stripe_refund.status in ("failed", "canceled"):
        refund.status = Refund.Status.FAILED
    refund.save()
    payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
    _recount_refunded(payment)
    if payment.invoice_id and refund.status == Refund.Status.FAILED:
        # A refund Stripe refused no longer counts: the money stays paid.
        invoice = lock(payment.invoice)
        recount_paid(invoice)
        invoice.save()
    audit_record(
        actor=None,
        action="refund.sent",
        obj=refund,
        changes={
            "status": [None, refund.status],
            "amount_pence": [None, refund.amount_pence],
        },
    )


@transaction.atomic
def payment_reconcile(*, payment: Payment) -> str:
    """Ask Stripe about one pending card payment and apply what it says."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != Payment.Status.PENDING or not payment.stripe_payment_intent_id:
        return "not pending"
    intent = gateway.retrieve_intent(payment.stripe_payment_intent_id)
    as_dict = {
        "id": intent.id,
        "amount": intent.amount_pence,
        "currency": intent.currency,
        "status": intent.status,
        "metadata": intent.metadata,
    }
    if intent.status == "succeeded":
        return intent_succeeded(as_dict)
    if intent.status == "canceled":
        return intent_ended(as_dict, Payment.Status.CANCELLED)
    return f"still {intent.status}"
