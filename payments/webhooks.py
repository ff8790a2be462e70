"""The one Stripe webhook endpoint: /payments/stripe/webhook/.

Verify the signature (with its time tolerance) before anything; store the
event once by its id; apply it in the same transaction. A repeat of a stored
event changes nothing; a refund that arrives before its payment waits (stored,
unprocessed) and is applied when the payment succeeds; unknown types are
stored and ignored. A bad signature, an old timestamp or a malformed body is a
400 and stores nothing. Not an ApiView and not in the API schema: Stripe is
the only caller. See docs/payments.md for the routing contract.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hub.api_errors import error_body
from payments import gateway, services
from payments.errors import BadWebhook
from payments.models import Payment, StripeEvent

INTENT_TYPES = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
}
REFUND_TYPES = {
    "charge.refunded",
    "refund.created",
    "refund.updated",
    "charge.refund.updated",
}


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = gateway.construct_event(
            request.body, request.headers.get("Stripe-Signature", "")
        )
    except BadWebhook as exc:
        return JsonResponse(error_body(exc.code, exc.message), status=400)
    outcome = receive(event)
    return JsonResponse({"received": True, "outcome": outcome})


def _intent_id_of(event: dict) -> str:
    obj = event["data"]["object"]
    if event["type"] in INTENT_TYPES:
        return str(obj.get("id") or "")
    return str(obj.get("payment_intent") or "")


@transaction.atomic
def receive(event: dict) -> str:
    """Store `event` once and apply it, all in one transaction."""
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                id=event["id"][:255],
                type=event["type"][:100],
                payment_intent_id=_intent_id_of(event)[:255],
                payload=event,
            )
    except IntegrityError:
        return "duplicate: already received"
    return process_stored(stored)


def process_stored(stored: StripeEvent) -> str:
    """Apply a stored event (must run inside the receiving transaction)."""
    outcome = _apply(stored.type, stored.payload["data"]["object"])
    if outcome is None:
        stored.outcome = "waiting for its payment"
    else:
        stored.outcome = outcome[:500]
        stored.processed_at = timezone.now()
    stored.save(update_fields=["outcome", "processed_at"])
    return stored.outcome


def _apply(event_type: str, obj: dict) -> str | None:
    currency = str(obj.get("currency") or "gbp").lower()
    if (event_type in INTENT_TYPES or event_type in REFUND_TYPES) and currency != "gbp":
        return f"refused: currency {currency[:10]} is not GBP"
    if event_type == "payment_intent.succeeded":
        return services.intent_succeeded(obj)
    if event_type == "payment_intent.payment_failed":
        return services.intent_ended(obj, Payment.Status.FAILED)
    if event_type == "payment_intent.canceled":
        return services.intent_ended(obj, Payment.Status.CANCELLED)
    if event_type == "charge.refunded":
        return _charge_refunded(obj)
    if event_type in REFUND_TYPES:
        return services.refund_seen(obj)
    return "ignored: not a type we use"


def _charge_refunded(charge: dict) -> str | None:
    listed = charge.get("refunds")
    refunds = (listed.get("data") if isinstance(listed, dict) else None) or []
    outcomes = []
    for refund in refunds if isinstance(refunds, list) else []:
        if not isinstance(refund, dict):
            continue
        refund = {"payment_intent": charge.get("payment_intent"), **refund}
        outcome = services.refund_seen(refund)
        if outcome is None:
            return None
        outcomes.append(outcome)
    return "; ".join(outcomes) or "no refunds listed"
