"""The Stripe adapter against localstripe, through the real `stripe` library."""

import pytest

from payments import gateway
from payments.errors import BadWebhook, GatewayError
from tests.payments.conftest import event, sign


def test_card_payments_follow_the_keys(stripe_keys, stripe_off):
    assert gateway.card_payments_enabled() is False


def test_card_payments_enabled_with_keys(stripe_keys):
    assert gateway.card_payments_enabled() is True


def test_intent_created_paid_and_refunded(stripe_on):
    intent = gateway.create_intent(
        amount_pence=1234,
        idempotency_key="test-intent-1",
        metadata={"kind": "invoice", "object_id": "7"},
        description="Invoice INV-1",
    )
    assert intent.status == "requires_payment_method"
    assert intent.amount_pence == 1234
    assert intent.client_secret.startswith(intent.id)
    assert intent.metadata["kind"] == "invoice"
    assert intent.metadata["object_id"] == "7"

    paid = gateway.confirm_intent_for_tests(intent.id)
    assert paid.status == "succeeded"
    assert gateway.retrieve_intent(intent.id).status == "succeeded"

    refund = gateway.create_refund(
        payment_intent_id=intent.id,
        amount_pence=200,
        idempotency_key="test-refund-1",
        metadata={"kind": "invoice", "object_id": "7"},
    )
    assert refund.status == "succeeded"
    assert refund.amount_pence == 200
    assert refund.payment_intent_id == intent.id


def test_cancel_intent(stripe_on):
    intent = gateway.create_intent(
        amount_pence=500,
        idempotency_key="test-intent-2",
        metadata={"kind": "signup", "object_id": "3"},
        description="Sign-up",
    )
    assert gateway.cancel_intent(intent.id, idempotency_key="c-2").status == "canceled"


def test_unknown_intent_is_a_gateway_error(stripe_on):
    with pytest.raises(GatewayError):
        gateway.retrieve_intent("pi_doesnotexist")


def test_stripe_unreachable_is_a_plain_english_error(stripe_keys):
    stripe_keys.STRIPE_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(GatewayError) as caught:
        gateway.retrieve_intent("pi_x")
    assert "not answering" in caught.value.message


def test_no_keys_is_a_gateway_error(stripe_off):
    with pytest.raises(GatewayError):
        gateway.create_intent(
            amount_pence=100,
            idempotency_key="k",
            metadata={"kind": "invoice", "object_id": "1"},
            description="x",
        )


def test_construct_event_accepts_a_good_signature(stripe_keys):
    body = b'{"id": "evt_1", "type": "x.y", "data": {"object": {}}}'
    assert gateway.construct_event(body, sign(body))["id"] == "evt_1"


@pytest.mark.parametrize(
    ("body", "header"),
    [
        (b'{"id": "evt_1", "type": "x", "data": {"object": {}}}', "t=1,v1=00"),
        (b"not json", None),
        (b'["a list"]', None),
        (b'{"id": "evt_1"}', None),
    ],
)
def test_construct_event_refuses(stripe_keys, body, header):
    with pytest.raises(BadWebhook):
        gateway.construct_event(body, header or sign(body))


def test_construct_event_refuses_an_old_timestamp(stripe_keys):
    import json
    import time

    body = json.dumps(event("x.y", {})).encode()
    old = int(time.time()) - gateway.WEBHOOK_TOLERANCE_SECONDS - 60
    with pytest.raises(BadWebhook):
        gateway.construct_event(body, sign(body, timestamp=old))


def test_construct_event_refuses_another_secret(stripe_keys):
    body = b'{"id": "evt_1", "type": "x", "data": {"object": {}}}'
    with pytest.raises(BadWebhook):
        gateway.construct_event(body, sign(body, secret="whsec_other"))
