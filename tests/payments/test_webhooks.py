"""Stripe webhooks, signed with Stripe's real scheme: verified (signature and
time tolerance) before anything is stored; each event takes effect once,
whether delivered three times, out of order (a refund before its payment) or
of a type we do not use. Card payment of an invoice end to end through the
real `stripe` library against localstripe."""

import json
import random
import time

import pytest
from django.core import mail

from hub.models import AuditEntry
from payments import gateway
from payments.models import Invoice, Payment, Refund, StripeEvent
from payments.services import invoice_card_intent, invoice_payment_record
from tests.payments.conftest import WEBHOOK_URL, event, intent_payload, sign

pytestmark = pytest.mark.django_db


def pending_card(invoice, intent_id="pi_test_1", amount=15000) -> Payment:
    return Payment.objects.create(
        invoice=invoice,
        method=Payment.Method.CARD,
        amount_pence=amount,
        stripe_payment_intent_id=intent_id,
    )


def succeeded(intent_id="pi_test_1", amount=15000, invoice=None, **kw) -> dict:
    return event(
        "payment_intent.succeeded",
        intent_payload(
            intent_id, amount=amount, kind="invoice", object_id=invoice.pk, **kw
        ),
    )


def refunded(intent_id="pi_test_1", amount=5000, refund_id="re_1", status="succeeded"):
    return event(
        "refund.updated",
        {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "currency": "gbp",
            "payment_intent": intent_id,
            "status": status,
        },
    )


def state(invoice) -> tuple:
    invoice.refresh_from_db()
    payments = tuple(
        invoice.payments.order_by("pk").values_list(
            "status", "amount_pence", "refunded_pence"
        )
    )
    refunds = tuple(
        Refund.objects.filter(payment__invoice=invoice)
        .order_by("stripe_refund_id")
        .values_list("stripe_refund_id", "status", "amount_pence")
    )
    return (invoice.status, invoice.paid_pence, payments, refunds)


# --- Verification: 400 and nothing stored ------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1,v1=deadbeef",
        "garbage",
    ],
)
def test_bad_signature_is_400_and_nothing_stored(client, stripe_keys, issued, header):
    pending_card(issued)
    body = json.dumps(succeeded(invoice=issued)).encode()
    response = client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_webhook"
    assert not StripeEvent.objects.exists()
    assert state(issued)[0] == Invoice.Status.ISSUED


def test_another_secret_is_400(client, stripe_webhook, issued):
    response = stripe_webhook(client, succeeded(invoice=issued), secret="whsec_other")
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_old_timestamp_is_400(client, stripe_webhook, issued):
    old = int(time.time()) - 3600
    response = stripe_webhook(client, succeeded(invoice=issued), timestamp=old)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"id": "evt_1"}', b"\xff\xfe"])
def test_malformed_body_is_400(client, stripe_webhook, body):
    assert stripe_webhook(client, body).status_code == 400
    assert not StripeEvent.objects.exists()


def test_no_webhook_secret_is_400(client, settings, issued):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = json.dumps(succeeded(invoice=issued)).encode()
    response = client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body),
    )
    assert response.status_code == 400


def test_get_is_not_allowed(client):
    assert client.get(WEBHOOK_URL).status_code == 405


# --- Taking effect once ------------------------------------------------------


def test_payment_succeeded_pays_the_invoice(
    client, stripe_webhook, issued, partner, django_capture_on_commit_callbacks
):
    partner.contact_email = "money@fal.example"
    partner.save()
    pending_card(issued)
    with django_capture_on_commit_callbacks(execute=True):
        response = stripe_webhook(client, succeeded(invoice=issued))
    assert response.status_code == 200
    assert state(issued)[:2] == (Invoice.Status.PAID, 15000)
    assert StripeEvent.objects.get().processed_at is not None
    assert AuditEntry.objects.filter(action="invoice.paid_by_card").count() == 1
    assert "Receipt" in mail.outbox[-1].subject


def test_the_same_event_three_times_takes_effect_once(client, stripe_webhook, issued):
    pending_card(issued, amount=5000)
    once = succeeded(invoice=issued, amount=5000)
    for _ in range(3):
        assert stripe_webhook(client, once).status_code == 200
    assert state(issued)[:2] == (Invoice.Status.PART_PAID, 5000)
    assert StripeEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="invoice.paid_by_card").count() == 1


def test_two_events_for_the_same_intent_take_effect_once(
    client, stripe_webhook, issued
):
    pending_card(issued)
    stripe_webhook(client, succeeded(invoice=issued))
    stripe_webhook(client, succeeded(invoice=issued))  # a new event id, same intent
    assert state(issued)[:2] == (Invoice.Status.PAID, 15000)
    assert StripeEvent.objects.count() == 2


def test_unknown_types_are_stored_and_ignored(client, stripe_webhook, issued):
    response = stripe_webhook(client, event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert stored.outcome.startswith("ignored")


def test_another_currency_changes_nothing(client, stripe_webhook, issued):
    pending_card(issued)
    stripe_webhook(client, succeeded(invoice=issued, currency="eur"))
    assert state(issued)[:2] == (Invoice.Status.ISSUED, 0)
    assert "not GBP" in StripeEvent.objects.get().outcome


def test_failed_payment_is_recorded_and_never_undoes_a_success(
    client, stripe_webhook, issued
):
    payment = pending_card(issued)
    failed = event(
        "payment_intent.payment_failed",
        intent_payload(
            "pi_test_1",
            amount=15000,
            kind="invoice",
            object_id=issued.pk,
            status="requires_payment_method",
        ),
    )
    stripe_webhook(client, failed)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert "declined" in payment.failure_message

    other = pending_card(issued, intent_id="pi_test_2")
    stripe_webhook(client, succeeded("pi_test_2", invoice=issued))
    stripe_webhook(
        client,
        event(
            "payment_intent.payment_failed",
            intent_payload(
                "pi_test_2",
                amount=15000,
                kind="invoice",
                object_id=issued.pk,
                status="requires_payment_method",
            ),
        ),
    )
    other.refresh_from_db()
    assert other.status == Payment.Status.SUCCEEDED


def test_refund_reduces_what_was_paid(client, stripe_webhook, issued):
    pending_card(issued)
    stripe_webhook(client, succeeded(invoice=issued))
    stripe_webhook(client, refunded(amount=5000))
    status, paid, payments, refunds = state(issued)
    assert (status, paid) == (Invoice.Status.PART_PAID, 10000)
    assert payments == (("succeeded", 15000, 5000),)
    assert refunds == (("re_1", "succeeded", 5000),)


def test_charge_refunded_lists_its_refunds(client, stripe_webhook, issued):
    pending_card(issued)
    stripe_webhook(client, succeeded(invoice=issued))
    charge = {
        "id": "ch_1",
        "object": "charge",
        "currency": "gbp",
        "payment_intent": "pi_test_1",
        "amount_refunded": 3000,
        "refunds": {
            "data": [
                {"id": "re_9", "amount": 3000, "status": "succeeded", "currency": "gbp"}
            ]
        },
    }
    stripe_webhook(client, event("charge.refunded", charge))
    assert state(issued)[1] == 12000


def _deliveries(issued):
    return [
        succeeded(invoice=issued),
        refunded(amount=5000, refund_id="re_1", status="pending"),
        refunded(amount=5000, refund_id="re_1", status="succeeded"),
        event("customer.created", {"id": "cus_1"}),
    ]


def _clean_state(issued, client, stripe_webhook, order):
    pending_card(issued)
    for body in order:
        assert stripe_webhook(client, body).status_code == 200
    return state(issued)


def test_refund_before_payment_ends_in_the_same_state(client, stripe_webhook, issued):
    pending_card(issued)
    stripe_webhook(client, refunded(amount=5000))  # waits for its payment
    assert state(issued)[:2] == (Invoice.Status.ISSUED, 0)
    assert StripeEvent.objects.get().processed_at is None
    stripe_webhook(client, succeeded(invoice=issued))
    assert state(issued) == (
        Invoice.Status.PART_PAID,
        10000,
        (("succeeded", 15000, 5000),),
        (("re_1", "succeeded", 5000),),
    )
    assert not StripeEvent.objects.filter(processed_at__isnull=True).exists()


@pytest.mark.parametrize("seed", range(4))
def test_shuffled_and_repeated_deliveries_end_like_one_clean_delivery(
    client, stripe_webhook, issued, seed
):
    deliveries = _deliveries(issued)
    shuffled = [*deliveries, *deliveries, deliveries[0]]
    random.Random(seed).shuffle(shuffled)
    pending_card(issued)
    for body in shuffled:
        assert stripe_webhook(client, body).status_code == 200
    # A pending refund seen after its success must not undo it.
    expected_refund_status = "succeeded"
    status, paid, payments, refunds = state(issued)
    assert payments == (("succeeded", 15000, 5000),)
    assert refunds == (("re_1", expected_refund_status, 5000),)
    assert (status, paid) == (Invoice.Status.PART_PAID, 10000)


def test_a_card_payment_over_the_balance_is_refunded(
    client,
    stripe_webhook,
    issued,
    manager,
    settings,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    sent = []
    monkeypatch.setattr(
        gateway,
        "create_refund",
        lambda **kw: (
            sent.append(kw)
            or gateway.StripeRefund(
                "re_auto", "succeeded", kw["amount_pence"], "pi_test_1"
            )
        ),
    )
    pending_card(issued)
    invoice_payment_record(
        actor=manager, invoice=issued, amount_pence=10000, method="bank_transfer"
    )
    with django_capture_on_commit_callbacks(execute=True):
        stripe_webhook(client, succeeded(invoice=issued))
    status, paid, payments, refunds = state(issued)
    assert (status, paid) == (Invoice.Status.PAID, 15000)
    assert sent[0]["amount_pence"] == 10000
    assert sent[0]["idempotency_key"].startswith("refund-")
    assert refunds == (("re_auto", "succeeded", 10000),)
    # Stripe's own refund event later changes nothing more.
    stripe_webhook(client, refunded(amount=10000, refund_id="re_auto"))
    assert state(issued)[:2] == (Invoice.Status.PAID, 15000)


# --- End to end against localstripe ------------------------------------------


def test_pay_an_invoice_by_card_end_to_end(
    client, stripe_on, stripe_webhook, issued, partner_user
):
    payment, intent = invoice_card_intent(actor=partner_user, invoice=issued)
    assert intent.amount_pence == 15000
    assert intent.metadata == {
        "kind": "invoice",
        "object_id": str(issued.pk),
        "description": intent.metadata["description"],
    }
    again, same = invoice_card_intent(actor=partner_user, invoice=issued)
    assert (again.pk, same.id) == (payment.pk, intent.id)

    paid = gateway.confirm_intent_for_tests(intent.id)
    assert paid.status == "succeeded"
    body = event(
        "payment_intent.succeeded",
        intent_payload(intent.id, amount=15000, kind="invoice", object_id=issued.pk),
    )
    stripe_webhook(client, body)
    assert state(issued)[:2] == (Invoice.Status.PAID, 15000)


def test_reconcile_repairs_a_missed_webhook(stripe_on, issued, partner_user):
    from django.core.management import call_command

    payment, intent = invoice_card_intent(actor=partner_user, invoice=issued)
    gateway.confirm_intent_for_tests(intent.id)
    call_command("reconcile_payments")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert state(issued)[:2] == (Invoice.Status.PAID, 15000)
    call_command("reconcile_payments")  # nothing pending: nothing changes
    assert state(issued)[:2] == (Invoice.Status.PAID, 15000)


def test_no_keys_no_card_payment(stripe_off, issued, partner_user):
    from hub.errors import StateError

    with pytest.raises(StateError):
        invoice_card_intent(actor=partner_user, invoice=issued)
    assert not Payment.objects.exists()


def test_only_the_partner_pays_by_card(stripe_keys, issued, other_partner):
    from hub.errors import PermissionDenied
    from tests.factories import PartnerMembershipFactory

    outsider = PartnerMembershipFactory(partner=other_partner).user
    with pytest.raises(PermissionDenied):
        invoice_card_intent(actor=outsider, invoice=issued)


def test_card_refused_on_a_paid_invoice(stripe_keys, issued, partner_user, manager):
    from hub.errors import StateError

    invoice_payment_record(
        actor=manager,
        invoice=issued,
        amount_pence=15000,
        method="cheque",
    )
    with pytest.raises(StateError):
        invoice_card_intent(actor=partner_user, invoice=issued)
