"""The only module that talks to Stripe (and the only one importing `stripe`).

Every call is configured on its own (`StripeClient` with the secret key from
settings and, when STRIPE_API_BASE is set, that address: localstripe in tests
and demos), every create sends an idempotency key so a retried request never
charges or refunds twice, and every Stripe failure becomes a `GatewayError`
with a message a person can act on. Amounts are integer pence, currency GBP.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import stripe
from django.conf import settings

from payments.errors import BadWebhook, CardDeclined, GatewayError

__all__ = [
    "BadWebhook",
    "GatewayError",
    "Intent",
    "StripeRefund",
    "cancel_intent",
    "card_payments_enabled",
    "construct_event",
    "create_intent",
    "create_refund",
    "retrieve_intent",
    "WEBHOOK_TOLERANCE_SECONDS",
]

CURRENCY = "gbp"
# How old a webhook's signed timestamp may be (Stripe's own default).
WEBHOOK_TOLERANCE_SECONDS = 300


def card_payments_enabled() -> bool:
    """Whether card payment is offered (both Stripe keys are set)."""
    return bool(settings.USE_STRIPE)


@dataclass(frozen=True)
class Intent:
    id: str
    client_secret: str
    status: str
    amount_pence: int
    metadata: dict = field(default_factory=dict)
    currency: str = CURRENCY


@dataclass(frozen=True)
class StripeRefund:
    id: str
    status: str
    amount_pence: int
    payment_intent_id: str


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise GatewayError(
            "Card payments are not set up on this site. Pay by bank transfer "
            "or cheque instead."
        )
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        api_key=settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base.rstrip("/")} if base else {},
        max_network_retries=2,
    )


def _gateway_error(exc: stripe.StripeError) -> GatewayError:
    if isinstance(exc, stripe.CardError):
        return CardDeclined(
            f"The card was refused: {exc.user_message or 'try another card'}."
        )
    if isinstance(exc, stripe.InvalidRequestError):
        return GatewayError(
            "The card payment service refused the request. Try again, or pay "
            "by bank transfer."
        )
    return GatewayError(
        "The card payment service is not answering just now. Try again in a "
        "few minutes, or pay by bank transfer."
    )


def _plain(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _intent(obj) -> Intent:
    obj = _plain(obj)
    return Intent(
        id=obj["id"],
        client_secret=obj.get("client_secret") or "",
        status=obj["status"],
        amount_pence=int(obj["amount"]),
        metadata=dict(obj.get("metadata") or {}),
        currency=obj.get("currency") or CURRENCY,
    )


def _refund(obj) -> StripeRefund:
    obj = _plain(obj)
    return StripeRefund(
        id=obj["id"],
        status=obj["status"],
        amount_pence=int(obj["amount"]),
        payment_intent_id=obj.get("payment_intent") or "",
    )


def create_intent(
    *,
    amount_pence: int,
    idempotency_key: str,
    metadata: dict,
    description: str,
    customer_email: str = "",
) -> Intent:
    """A card PaymentIntent in GBP. `metadata` must hold "kind" ("invoice" or
    "signup") and "object_id" (the pk as a string): webhooks route by them."""
    if amount_pence <= 0:
        raise GatewayError("Amount must be more than zero.", field="amount_pence")
    if metadata.get("kind") not in ("invoice", "signup") or not metadata.get(
        "object_id"
    ):
        raise ValueError("metadata needs kind ('invoice'|'signup') and object_id")
    # The description goes in the metadata (shown in Stripe's dashboard) and
    # no receipt_email is sent: we email our own receipts, and localstripe
    # refuses both parameters. `customer_email` is accepted for callers but
    # not passed on (no personal data to Stripe beyond the card itself).
    del customer_email
    params: dict = {
        "amount": int(amount_pence),
        "currency": CURRENCY,
        "payment_method_types": ["card"],
        "metadata": {
            **{k: str(v) for k, v in metadata.items()},
            "description": description[:300],
        },
    }
    try:
        obj = _client().v1.payment_intents.create(
            params=params, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as exc:
        raise _gateway_error(exc) from exc
    return _intent(obj)


def retrieve_intent(intent_id: str) -> Intent:
    try:
        obj = _client().v1.payment_intents.retrieve(intent_id)
    except stripe.StripeError as exc:
        raise _gateway_error(exc) from exc
    return _intent(obj)


def cancel_intent(intent_id: str, *, idempotency_key: str) -> Intent:
    try:
        obj = _client().v1.payment_intents.cancel(
            intent_id, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as exc:
        raise _gateway_error(exc) from exc
    return _intent(obj)


def confirm_intent_for_tests(
    intent_id: str, card_number: str = "4242424242424242"
) -> Intent:
    """Pay an intent server-side with a test card (tests and the demo, against
    localstripe or Stripe's test mode; in production Stripe.js confirms in the
    payer's browser). 4000000000000002 is declined; a 3-D Secure card such as
    4000002760003184 leaves the intent "requires_action" until the payer
    authenticates (localstripe's Stripe.js stand-in does that step)."""
    client = _client()
    try:
        pm = client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {
                    "number": card_number,
                    "exp_month": 12,
                    "exp_year": 2040,
                    "cvc": "123",
                },
            }
        )
        client.v1.payment_intents.update(intent_id, params={"payment_method": pm.id})
        obj = client.v1.payment_intents.confirm(intent_id)
    except stripe.StripeError as exc:
        raise _gateway_error(exc) from exc
    return _intent(obj)


def create_refund(
    *,
    payment_intent_id: str,
    amount_pence: int,
    idempotency_key: str,
    metadata: dict,
) -> StripeRefund:
    if amount_pence <= 0:
        raise GatewayError("Amount must be more than zero.", field="amount_pence")
    try:
        obj = _client().v1.refunds.create(
            params={
                "payment_intent": payment_intent_id,
                "amount": int(amount_pence),
                "metadata": {k: str(v) for k, v in metadata.items()},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _gateway_error(exc) from exc
    return _refund(obj)


# A NUL in the JSON text: raw, or the escape \u0000 itself (after an even
# number of backslashes; "\\u0000" is a backslash and the text "u0000").
_NUL = re.compile(r"\x00|(?<!\\)(?:\\\\)*\\u0000")


def construct_event(payload: bytes, signature_header: str) -> dict:
    """The verified event as a dict. Raises BadWebhook for a missing or wrong
    signature, a timestamp older than WEBHOOK_TOLERANCE_SECONDS, or a body that
    is not a JSON event object we can store (too deeply nested, or holding a
    NUL, which PostgreSQL refuses)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise BadWebhook("Webhooks are not set up (no STRIPE_WEBHOOK_SECRET).")
    if not signature_header:
        raise BadWebhook("The Stripe-Signature header is missing.")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadWebhook("The body is not UTF-8.") from exc
    try:
        stripe.WebhookSignature.verify_header(
            text, signature_header, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
        )
    except stripe.SignatureVerificationError as exc:
        raise BadWebhook(f"The signature does not verify: {exc.user_message}") from exc
    try:
        event = json.loads(text)
    except ValueError as exc:
        raise BadWebhook("The body is not JSON.") from exc
    except RecursionError:  # valid JSON nested past Python's stack
        raise BadWebhook("The body's JSON is nested too deeply.") from None
    if _NUL.search(text):  # PostgreSQL cannot store it
        raise BadWebhook("The body holds a NUL character.")
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
        or not isinstance(event.get("data"), dict)
        or not isinstance(event["data"].get("object"), dict)
    ):
        raise BadWebhook("The body is not a Stripe event.")
    return event
