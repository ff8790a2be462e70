"""Contract cases for the payments API operations (see tests/api/cases.py).

Import what you need from tests.api.cases inside the functions or at the top:
cases.py imports this module at its end, after `contract`, `Call` and `World`
exist.

The world's booking gets £50 a date and October's invoice is built (and
issued unless asked not to). The card-intent success talks to localstripe,
started once for the run; Stripe's settings point at it only while that
operation's calls are made (see `_card_payments_on`).
"""

import atexit
import datetime as dt
import weakref
from dataclasses import replace

from django.test import override_settings

from bookings.models import Slot
from payments.invoicing import invoice_issue, invoices_build_month
from payments.services import invoice_payment_record
from tests.api.cases import Call, calls, contract, page_past_the_end
from tests.localstripe import start_localstripe

OCTOBER = dt.date(2026, 10, 1)


def _invoices(w):
    """(draft, issued, paid) invoices of the world's partner at its site."""
    if not hasattr(w, "_invoices"):
        Slot.objects.filter(booking=w.booking).update(price_pence=5000)
        (issued,) = invoices_build_month(actor=None, site=w.site, month=OCTOBER)
        issued = invoice_issue(actor=None, invoice=issued)
        from tests.activities.factories import approved_booking, london

        more = approved_booking(
            room=w.room, partner=w.partner, starts=london(2026, 11, 3, 9), weeks=1
        )
        Slot.objects.filter(booking=more).update(price_pence=1000)
        (draft,) = invoices_build_month(
            actor=None, site=w.site, month=dt.date(2026, 11, 1)
        )
        other = approved_booking(
            room=w.room, partner=w.partner, starts=london(2026, 12, 1, 9), weeks=1
        )
        Slot.objects.filter(booking=other).update(price_pence=700)
        (paid,) = invoices_build_month(
            actor=None, site=w.site, month=dt.date(2026, 12, 1)
        )
        paid = invoice_issue(actor=None, invoice=paid)
        invoice_payment_record(
            actor=w.manager, invoice=paid, amount_pence=700, method="cheque"
        )
        w._invoices = (draft, issued, paid)
    return w._invoices


def _path(invoice) -> dict:
    return {"invoice_id": invoice.pk}


@contract("GET /api/v1/invoices/")
def _(w):
    _invoices(w)
    ok = Call(w.partner_user)
    return (
        calls(ok, bad={"status": "nonsense"})
        | {(200, "manager, drafts"): Call(w.manager, query={"status": "draft"})}
        | page_past_the_end(ok)
    )


@contract("GET /api/v1/invoices/{invoice_id}/")
def _(w):
    draft, issued, _paid = _invoices(w)
    return calls(Call(w.partner_user, _path(issued)), missing="invoice_id") | {
        (200, "manager, a draft"): Call(w.manager, _path(draft)),
        (404, "partner, a draft"): Call(w.partner_user, _path(draft)),
        (404, "another partner"): Call(w.other_partner_user, _path(issued)),
    }


@contract("POST /api/v1/invoices/{invoice_id}/issue/")
def _(w):
    draft, issued, _paid = _invoices(w)
    ok = Call(w.manager, _path(draft))
    return calls(ok, missing="invoice_id") | {
        403: Call(w.partner_user, _path(issued)),
        409: ok,
    }


@contract("POST /api/v1/invoices/{invoice_id}/void/")
def _(w):
    _draft, issued, _paid = _invoices(w)
    ok = Call(w.manager, _path(issued), body={"reason": "Wrong partner"})
    return calls(
        ok, bad={"reason": "x" * 501}, stranger=w.partner_user, missing="invoice_id"
    ) | {409: ok}


@contract("POST /api/v1/invoices/{invoice_id}/payments/")
def _(w):
    _draft, issued, paid = _invoices(w)
    body = {"amount_pence": 5000, "method": "bank_transfer", "reference": "BACS 1"}
    ok = Call(w.manager, _path(issued), body=body)
    return calls(
        ok,
        201,
        bad={"amount_pence": 0},
        stranger=w.partner_user,
        missing="invoice_id",
    ) | {
        (400, "over the balance"): replace(
            ok,
            body={**body, "amount_pence": 999_999},
            blames="amount_pence",
            beyond_schema=True,
        ),
        409: replace(ok, path=_path(paid), body={**body, "amount_pence": 1}),
    }


_LOCALSTRIPE: dict = {}


def _localstripe_url() -> str:
    """localstripe on a free port, started once for the run."""
    if "url" not in _LOCALSTRIPE:
        url, proc = start_localstripe()
        atexit.register(proc.terminate)
        _LOCALSTRIPE["url"] = url
    return _LOCALSTRIPE["url"]


def _card_payments_on(keep_alive: Call) -> None:
    """Stripe settings pointing at localstripe until `keep_alive` (one of the
    operation's calls, alive while the contract test makes them) is gone."""
    override = override_settings(
        STRIPE_SECRET_KEY="sk_test_contract",
        STRIPE_PUBLISHABLE_KEY="pk_test_contract",
        STRIPE_API_BASE=_localstripe_url(),
        USE_STRIPE=True,
    )
    override.enable()
    weakref.finalize(keep_alive, override.disable)


@contract("POST /api/v1/invoices/{invoice_id}/card-intent/")
def _(w):
    _draft, issued, paid = _invoices(w)
    ok = Call(w.partner_user, _path(issued), body={})
    cases = calls(
        ok,
        201,
        bad={"amount_pence": 0},
        stranger=w.manager,
        missing="invoice_id",
    ) | {
        (400, "over the balance"): replace(
            ok,
            body={"amount_pence": 999_999},
            blames="amount_pence",
            beyond_schema=True,
        ),
        409: replace(ok, path=_path(paid)),
    }
    _card_payments_on(cases[201])
    return cases


@contract("POST /api/v1/invoices/{invoice_id}/payments/{payment_id}/refunds/")
def _(w):
    from payments.services import invoice_payment_refund

    _draft, issued, paid = _invoices(w)
    cheque = paid.payments.get()
    path = {"invoice_id": paid.pk, "payment_id": cheque.pk}
    ok = Call(w.manager, path, body={"amount_pence": 200, "reason": "Overpaid"})
    returned = invoice_payment_record(
        actor=w.manager, invoice=issued, amount_pence=500, method="cash"
    )
    invoice_payment_refund(
        actor=w.manager, payment=returned, amount_pence=500, reason="Paid twice"
    )
    return calls(
        ok,
        201,
        bad={"amount_pence": 0},
        stranger=w.partner_user,
        missing="payment_id",
    ) | {
        (400, "over what was paid"): replace(
            ok,
            body={"amount_pence": 999_999, "reason": "Overpaid"},
            blames="amount_pence",
            beyond_schema=True,
        ),
        409: replace(ok, path={"invoice_id": issued.pk, "payment_id": returned.pk}),
    }
