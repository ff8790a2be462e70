"""Money under real threads, each with its own database connection:

- many managers record payments on one invoice at once: the paid total never
  passes the balance (the invoice's row lock);
- many drafts issued at once: numbers 1..N with no gap and no repeat (the
  counter's row lock);
- the same webhook event delivered from several threads at once: it takes
  effect once (the event's primary key).

PostgreSQL is the real test (row locks); SQLite serialises writes with BEGIN
IMMEDIATE, run when the test database is a file (DATABASE_TEST_NAME).
"""

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from payments.invoicing import invoice_issue, invoices_build_month
from payments.models import Invoice, Payment, StripeEvent
from payments.services import invoice_payment_record
from tests.activities.factories import approved_booking, london
from tests.factories import PartnerFactory
from tests.payments.conftest import (
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    event,
    intent_payload,
    sign,
)

WORKERS = 12
OCTOBER = dt.date(2026, 10, 1)


def _threads_possible() -> bool:
    name = str(connection.settings_dict["NAME"])
    return settings.IS_POSTGRES or ("memory" not in name and name != ":memory:")


@pytest.fixture(autouse=True)
def _need_threads(transactional_db):
    if not _threads_possible():
        pytest.skip("threads need a server or file database (DATABASE_TEST_NAME)")


def _all_at_once(jobs) -> tuple[list, list]:
    """Run `jobs` (callables) from WORKERS threads released together."""
    start = threading.Barrier(min(WORKERS, len(jobs)))
    results, errors = [], []

    def run(index, job):
        try:
            if index < WORKERS:
                start.wait(timeout=30)
            results.append(job())
        except Exception as exc:  # noqa: BLE001 - the tests look at them
            errors.append(exc)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for index, job in enumerate(jobs):
            pool.submit(run, index, job)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_payments_at_once_never_pass_the_balance(issued, manager):
    """24 payments of £10 on a £150 invoice: exactly 15 are accepted."""

    def pay():
        return invoice_payment_record(
            actor=manager, invoice=issued, amount_pence=1000, method="bank_transfer"
        )

    results, errors = _all_at_once([pay] * 24)
    issued.refresh_from_db()
    assert issued.paid_pence == 15000
    assert issued.status == Invoice.Status.PAID
    assert len(results) == 15
    assert Payment.objects.filter(status="succeeded").count() == 15
    assert len(errors) == 9
    assert all(
        "balance" in getattr(e, "message", "") or "paid" in getattr(e, "message", "")
        for e in errors
    ), errors


@pytest.mark.django_db(transaction=True)
def test_numbers_at_once_have_no_gap(site, room):
    """20 partners' drafts issued at the same moment get 1..20, once each."""
    drafts = []
    for i in range(20):
        booking = approved_booking(
            room=room,
            partner=PartnerFactory(),
            starts=london(2026, 10, 1, 8) + dt.timedelta(days=i),
            weeks=1,
            hours=1,
        )
        booking.slots.update(price_pence=100 + i)
    drafts = invoices_build_month(actor=None, site=site, month=OCTOBER)
    assert len(drafts) == 20
    jobs = [lambda d=d: invoice_issue(actor=None, invoice=d) for d in drafts]
    _results, errors = _all_at_once(jobs)
    assert errors == []
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 21))
    numbers = set(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == 20


@pytest.mark.django_db(transaction=True)
def test_one_event_from_many_threads_takes_effect_once(issued, stripe_keys):
    Payment.objects.create(
        invoice=issued,
        method="card",
        amount_pence=5000,
        stripe_payment_intent_id="pi_race",
    )
    body = json.dumps(
        event(
            "payment_intent.succeeded",
            intent_payload("pi_race", amount=5000, kind="invoice", object_id=issued.pk),
            event_id="evt_race",
        )
    ).encode()

    def deliver():
        return (
            Client()
            .post(
                WEBHOOK_URL,
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sign(body, secret=WEBHOOK_SECRET),
            )
            .status_code
        )

    results, errors = _all_at_once([deliver] * 8)
    assert errors == []
    assert set(results) == {200}
    issued.refresh_from_db()
    assert issued.paid_pence == 5000
    assert StripeEvent.objects.count() == 1
