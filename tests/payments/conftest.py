"""Payments test fixtures: localstripe on a free port, Stripe settings pointing
at it, webhook payloads signed with Stripe's real scheme, and a family paying
for its sign-up by card (`pay_by_card`).

    def test_pay(stripe_on):            # localstripe running, keys set
        intent = gateway.create_intent(...)
        gateway.confirm_intent_for_tests(intent.id)

    def test_hook(client, stripe_webhook):
        response = stripe_webhook(client, event_dict)   # POSTs, signed
"""

import json
import time

import pytest
from django.db import transaction

from payments import gateway, signup_payments
from payments.models import Payment
from tests.localstripe import start_localstripe

WEBHOOK_SECRET = "whsec_test_secret"
WEBHOOK_URL = "/payments/stripe/webhook/"


@pytest.fixture(scope="session")
def localstripe_url():
    """localstripe started once per test session; its base address."""
    try:
        url, proc = start_localstripe()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def stripe_keys(settings):
    """Stripe keys set (card payment shown) without a server: for pages and
    webhook tests that never call Stripe."""
    settings.STRIPE_SECRET_KEY = "sk_test_hub"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_hub"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.USE_STRIPE = True
    return settings


@pytest.fixture
def stripe_on(stripe_keys, localstripe_url):
    """Stripe settings pointing at the session's localstripe."""
    stripe_keys.STRIPE_API_BASE = localstripe_url
    return stripe_keys


@pytest.fixture
def stripe_off(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_API_BASE = ""
    settings.USE_STRIPE = False
    return settings


def sign(
    payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
) -> str:
    """The Stripe-Signature header: t=<unix time>,v1=HMAC-SHA256(secret, "t.payload")."""
    import hashlib
    import hmac

    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256)
    return f"t={t},v1={mac.hexdigest()}"


def event(event_type: str, obj: dict, *, event_id: str | None = None) -> dict:
    """A Stripe event envelope around `obj` (a payment intent, refund...)."""
    import uuid

    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def intent_payload(
    intent_id: str,
    *,
    amount: int,
    kind: str,
    object_id,
    status="succeeded",
    currency="gbp",
) -> dict:
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount if status == "succeeded" else 0,
        "currency": currency,
        "status": status,
        "metadata": {"kind": kind, "object_id": str(object_id)},
        "last_payment_error": None
        if status != "requires_payment_method"
        else {"message": "Your card was declined."},
    }


@pytest.fixture
def stripe_webhook(stripe_keys):
    """post(client, event_dict_or_bytes, **sign_kwargs) -> response."""

    def post(client, body, **sign_kwargs):
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        return client.post(
            WEBHOOK_URL,
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload, **sign_kwargs),
        )

    return post


# --- Paid sign-ups -------------------------------------------------------------


def webhook_succeeded(payment: Payment) -> None:
    """What payments/webhooks.py does on payment_intent.succeeded."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.status = Payment.Status.SUCCEEDED
        payment.save(update_fields=["status"])
        signup_payments.intent_succeeded(
            payment, {"id": payment.stripe_payment_intent_id}
        )


def pay_by_card(signup, card="4242424242424242") -> Payment:
    """The family pays `signup` by card (against localstripe: use `stripe_on`)
    and Stripe's webhook says so; the Payment."""
    checkout = signup_payments.signup_pay_intent(
        signup=signup, actor=signup.household.user
    )
    gateway.confirm_intent_for_tests(checkout.payment.stripe_payment_intent_id, card)
    webhook_succeeded(checkout.payment)
    return checkout.payment


# --- Room-hire invoices --------------------------------------------------------


@pytest.fixture
def hire(room, partner):
    """An approved weekly letting of `room` by `partner`: Tuesdays 18:00-20:00
    from 13 October 2026, four dates (13, 20, 27 Oct and 3 Nov), £50 each."""
    from bookings.models import Slot
    from tests.activities.factories import approved_booking

    booking = approved_booking(room=room, partner=partner, title="Family cooking")
    Slot.objects.filter(booking=booking).update(price_pence=5000, full_price_pence=5000)
    return booking


@pytest.fixture
def october():
    import datetime as dt

    return dt.date(2026, 10, 1)


@pytest.fixture
def draft(hire, site, october):
    """October's draft invoice for `hire` (three dates, £150)."""
    from payments.invoicing import invoices_build_month

    (invoice,) = invoices_build_month(actor=None, site=site, month=october)
    return invoice


@pytest.fixture
def issued(draft):
    from payments.invoicing import invoice_issue

    return invoice_issue(actor=None, invoice=draft)
