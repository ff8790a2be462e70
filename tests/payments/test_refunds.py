"""Refunds of invoice payments by the site's business manager (issue 8, point
4): card payments back through Stripe (localstripe, the real `stripe`
library), offline payments recorded as returned with a reason; never more
than was paid, even with refunds at once from many threads (PostgreSQL, or a
SQLite file); bad input changes nothing; every refund is audited in its
transaction; the page and the API."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse

from hub.errors import DomainError, PermissionDenied, StateError
from hub.models import AuditEntry
from payments import gateway
from payments.models import Invoice, Payment, Refund
from payments.services import (
    intent_succeeded,
    invoice_card_intent,
    invoice_payment_record,
    invoice_payment_refund,
)
from tests.payments.conftest import intent_payload

NOW = dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)


def _cheque(invoice, manager, amount=15000) -> Payment:
    return invoice_payment_record(
        actor=manager, invoice=invoice, amount_pence=amount, method="cheque"
    )


def _money(invoice) -> tuple[str, int, int]:
    invoice.refresh_from_db()
    return invoice.status, invoice.paid_pence, invoice.balance_pence


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


# --- The service ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_offline_refund_is_recorded_as_returned(
    issued, manager, partner, django_capture_on_commit_callbacks
):
    partner.contact_email = "money@fal.example"
    partner.save()
    payment = _cheque(issued, manager)
    assert _money(issued) == (Invoice.Status.PAID, 15000, 0)
    with django_capture_on_commit_callbacks(execute=True):
        refund = invoice_payment_refund(
            actor=manager, payment=payment, amount_pence=5000, reason="Paid twice"
        )
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.created_by == manager
    payment.refresh_from_db()
    assert payment.refunded_pence == 5000
    assert _money(issued) == (Invoice.Status.PART_PAID, 10000, 5000)
    entry = AuditEntry.objects.get(action="invoice.refund_recorded")
    assert entry.actor == manager
    assert entry.reason == "Paid twice"
    assert entry.changes["paid_pence"] == [15000, 10000]
    [email] = [m for m in mail.outbox if m.subject.startswith("Refund")]
    assert email.to == ["money@fal.example"]
    assert "£50.00" in email.body and "Reason: Paid twice" in email.body


@pytest.mark.django_db
def test_a_card_refund_goes_through_stripe(
    issued, manager, partner_user, stripe_on, django_capture_on_commit_callbacks
):
    payment, intent = invoice_card_intent(actor=partner_user, invoice=issued)
    gateway.confirm_intent_for_tests(intent.id)
    intent_succeeded(
        intent_payload(intent.id, amount=15000, kind="invoice", object_id=issued.pk)
    )
    with django_capture_on_commit_callbacks(execute=True):
        refund = invoice_payment_refund(
            actor=manager,
            payment=payment,
            amount_pence=4000,
            reason="One date was cancelled",
        )
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED  # localstripe refunds at once
    assert refund.stripe_refund_id.startswith("re_")
    assert _money(issued) == (Invoice.Status.PART_PAID, 11000, 4000)
    assert AuditEntry.objects.filter(action="invoice.refund_requested").count() == 1
    assert AuditEntry.objects.filter(action="refund.sent").count() == 1


@pytest.mark.django_db
def test_a_card_refund_waits_when_stripe_is_away_and_reconcile_sends_it(
    issued,
    manager,
    partner_user,
    stripe_on,
    settings,
    django_capture_on_commit_callbacks,
):
    payment, intent = invoice_card_intent(actor=partner_user, invoice=issued)
    gateway.confirm_intent_for_tests(intent.id)
    intent_succeeded(
        intent_payload(intent.id, amount=15000, kind="invoice", object_id=issued.pk)
    )
    localstripe = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        refund = invoice_payment_refund(
            actor=manager, payment=payment, amount_pence=15000, reason="Goodwill"
        )
    refund.refresh_from_db()
    assert (refund.status, refund.stripe_refund_id) == (Refund.Status.PENDING, None)
    assert _money(issued)[1] == 0  # a pending refund counts: never refunded twice
    settings.STRIPE_API_BASE = localstripe
    from django.core.management import call_command

    call_command("reconcile_payments")
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED


@pytest.mark.django_db
def test_part_refunds_add_up_to_the_payment_and_no_more(issued, manager):
    payment = _cheque(issued, manager, 6000)
    for amount in (1000, 2000, 3000):
        invoice_payment_refund(
            actor=manager, payment=payment, amount_pence=amount, reason="Part"
        )
    assert _money(issued) == (Invoice.Status.ISSUED, 0, 15000)
    with pytest.raises(StateError, match="refunded in full"):
        invoice_payment_refund(
            actor=manager, payment=payment, amount_pence=1, reason="Again"
        )
    assert Refund.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [0, -100, 6001])
def test_amounts_outside_what_was_paid_are_refused(issued, manager, amount):
    payment = _cheque(issued, manager, 6000)
    with pytest.raises(DomainError) as caught:
        invoice_payment_refund(
            actor=manager, payment=payment, amount_pence=amount, reason="x"
        )
    assert caught.value.field == "amount_pence"
    assert "£60.00" in caught.value.message or "more than zero" in caught.value.message
    assert not Refund.objects.exists()
    assert _money(issued) == (Invoice.Status.PART_PAID, 6000, 9000)


@pytest.mark.django_db
def test_a_reason_is_required(issued, manager):
    payment = _cheque(issued, manager)
    with pytest.raises(DomainError) as caught:
        invoice_payment_refund(
            actor=manager, payment=payment, amount_pence=100, reason="  "
        )
    assert caught.value.field == "reason"
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_money_not_received_cannot_be_refunded(issued, manager):
    pending = Payment.objects.create(
        invoice=issued,
        method="card",
        amount_pence=5000,
        stripe_payment_intent_id="pi_x",
    )
    with pytest.raises(StateError, match="only money received"):
        invoice_payment_refund(
            actor=manager, payment=pending, amount_pence=100, reason="x"
        )


@pytest.mark.django_db
def test_only_the_sites_manager_refunds(issued, manager, partner_user, other_manager):
    payment = _cheque(issued, manager)
    for actor in (partner_user, other_manager):
        with pytest.raises(PermissionDenied):
            invoice_payment_refund(
                actor=actor, payment=payment, amount_pence=100, reason="x"
            )
    assert not Refund.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="invoice.refund").exists()


# --- Many refunds at once --------------------------------------------------------


def _threads_possible() -> bool:
    name = str(connection.settings_dict["NAME"])
    return settings.IS_POSTGRES or ("memory" not in name and name != ":memory:")


@pytest.mark.django_db(transaction=True)
def test_refunds_at_once_never_pass_what_was_paid(issued, manager):
    """16 refunds of £10 from 16 threads on a £100 payment: exactly 10 go."""
    if not _threads_possible():
        pytest.skip("threads need a server or file database (DATABASE_TEST_NAME)")
    payment = _cheque(issued, manager, 10000)
    workers = 16
    start = threading.Barrier(workers)
    made, errors = [], []

    def refund():
        try:
            start.wait(timeout=30)
            made.append(
                invoice_payment_refund(
                    actor=manager, payment=payment, amount_pence=1000, reason="Race"
                )
            )
        except Exception as exc:  # noqa: BLE001 - looked at below
            errors.append(exc)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in range(workers):
            pool.submit(refund)
    assert len(made) == 10
    assert len(errors) == 6
    assert all(isinstance(e, DomainError) for e in errors), errors
    payment.refresh_from_db()
    assert payment.refunded_pence == 10000
    assert Refund.objects.filter(payment=payment).count() == 10
    assert _money(issued) == (Invoice.Status.ISSUED, 0, 15000)
    assert AuditEntry.objects.filter(action="invoice.refund_recorded").count() == 10


# --- The page ----------------------------------------------------------------------


def _page(invoice, payment) -> str:
    return reverse("payments:invoice-payment-refund", args=[invoice.pk, payment.pk])


@pytest.mark.django_db
def test_the_manager_refunds_from_the_invoice_page(client, issued, manager):
    payment = _cheque(issued, manager)
    client.force_login(manager)
    invoice_page = client.get(reverse("payments:invoice", args=[issued.pk]))
    assert _page(issued, payment) in invoice_page.content.decode()
    page = client.get(_page(issued, payment))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Left to refund" in text and "£150.00" in text
    assert "return the money yourself" in text
    response = client.post(
        _page(issued, payment), {"amount": "25.50", "reason": "Hall closed one week"}
    )
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount_pence, refund.reason) == (2550, "Hall closed one week")
    followed = client.get(response["Location"]).content.decode()
    assert "Refund recorded." in followed
    assert "(£25.50 refunded)" in followed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "150.01", "reason": "x"}, "at most £150.00"),
        ({"amount": "0", "reason": "x"}, "must be 0.01 or more"),
        ({"amount": "ten", "reason": "x"}, "There is a problem"),
        ({"amount": "10", "reason": ""}, "There is a problem"),
    ],
)
def test_bad_input_on_the_page_changes_nothing(client, issued, manager, data, message):
    payment = _cheque(issued, manager)
    client.force_login(manager)
    response = client.post(_page(issued, payment), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert not Refund.objects.exists()
    assert _money(issued)[1] == 15000


@pytest.mark.django_db
def test_the_partner_cannot_see_the_refund_page(
    client, issued, manager, partner_user, other_manager
):
    payment = _cheque(issued, manager)
    client.force_login(partner_user)
    assert (
        "Refund"
        not in client.get(reverse("payments:invoice", args=[issued.pk]))
        .content.decode()
        .split("<h2>Payments</h2>")[1]
        .split("</table>")[0]
    )
    assert client.get(_page(issued, payment)).status_code == 403
    assert (
        client.post(_page(issued, payment), {"amount": "1", "reason": "x"}).status_code
        == 403
    )
    client.force_login(other_manager)
    assert client.get(_page(issued, payment)).status_code == 404
    assert not Refund.objects.exists()


# --- The API -------------------------------------------------------------------------


def _api(invoice, payment) -> str:
    return f"/api/v1/invoices/{invoice.pk}/payments/{payment.pk}/refunds/"


@pytest.mark.django_db
def test_the_api_refunds_and_shows_the_refund(client, issued, manager):
    payment = _cheque(issued, manager)
    client.force_login(manager)
    response = client.post(
        _api(issued, payment),
        {"amount_pence": 3000, "reason": "Overpaid"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["paid_pence"], body["balance_pence"]) == (
        "part_paid",
        12000,
        3000,
    )
    [shown] = body["payments"]
    assert shown["refunded_pence"] == 3000
    assert [
        (r["amount_pence"], r["status"], r["reason"]) for r in shown["refunds"]
    ] == [(3000, "succeeded", "Overpaid")]


@pytest.mark.django_db
def test_the_api_refuses_bad_input_with_the_error_body(client, issued, manager):
    payment = _cheque(issued, manager)
    client.force_login(manager)
    over = client.post(
        _api(issued, payment),
        {"amount_pence": 15001, "reason": "Overpaid"},
        content_type="application/json",
    )
    assert over.status_code == 400
    assert over.json()["error"]["fields"].keys() == {"amount_pence"}
    missing = client.post(
        _api(issued, payment), {"amount_pence": 100}, content_type="application/json"
    )
    assert missing.status_code == 400
    assert "reason" in missing.json()["error"]["fields"]
    assert not Refund.objects.exists()
