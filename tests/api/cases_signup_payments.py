"""Contract cases for the paid sign-up API operations (see tests/api/cases.py).

Import what you need from tests.api.cases inside the functions or at the top:
cases.py imports this module at its end, after `contract`, `Call` and `World`
exist.

A paid activity (£5 a child) runs on the world's booking. The pay success
talks to localstripe (payments' `_card_payments_on`, only while that
operation's calls are made); the refund cases need no Stripe: the place was
paid in cash on the day, so a refund is recorded as handed back.
"""

from dataclasses import replace

from django.test import override_settings

from activities import services as activity_services
from payments import signup_payments
from tests.activities.factories import family, make_activity
from tests.api.cases import Call, calls, contract
from tests.api.cases_payments import _card_payments_on


def _paid_activity(w):
    if not hasattr(w, "_paid_activity"):
        w._paid_activity = make_activity(
            booking=w.booking, title="Swim club", price_pence=500, refund_days_before=7
        )
    return w._paid_activity


def _sign_up(w, *, card: bool):
    household, members = family(children=1)
    with override_settings(USE_STRIPE=card):
        signup = activity_services.signup_create(
            household=household,
            activity=_paid_activity(w),
            members=members,
            created_by=household.user,
        ).signup
    return signup


def _path(signup) -> dict:
    return {"signup_id": signup.pk}


@contract("POST /api/v1/signups/{signup_id}/pay/")
def _(w):
    held = _sign_up(w, card=True)
    ok = Call(held.household.user, _path(held))
    cases = calls(ok, 201, stranger=w.partner_user, missing="signup_id") | {
        (404, "another family's place"): replace(ok, user=w.family_user),
        (409, "a confirmed place"): Call(w.family_user, _path(w.signup)),
    }
    _card_payments_on(cases[201])
    return cases


@contract("POST /api/v1/signups/{signup_id}/refunds/")
def _(w):
    paid = _sign_up(w, card=False)  # confirmed; paid on the day
    signup_payments.signup_record_payment(
        signup=paid, amount_pence=500, method="cash", actor=w.partner_user
    )
    unpaid = _sign_up(w, card=False)
    body = {"amount_pence": 200, "reason": "Missed the first week"}
    ok = Call(w.manager, _path(paid), body=body)
    return calls(
        ok,
        201,
        bad={"amount_pence": 0},
        stranger=w.partner_user,
        missing="signup_id",
    ) | {
        (400, "over what was paid"): replace(
            ok,
            body={**body, "amount_pence": 999_999},
            blames="amount_pence",
            beyond_schema=True,
        ),
        (404, "another site's manager"): replace(ok, user=w.outsider),
        409: replace(ok, path=_path(unpaid)),
    }
