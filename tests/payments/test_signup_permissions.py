"""Who may pay for, see, record and refund a sign-up's money, for every role
(payments/signup_rules.py), and the look-up agrees: whoever may not see it
gets 404."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from hub.errors import NotFound
from payments import signup_payments
from tests.activities.factories import approved_booking, family, make_activity, sign_up

pytestmark = pytest.mark.django_db

PERMS = ("pay", "view", "record", "refund")
EXPECTED = {
    "family": {"pay", "view"},
    "other_family": set(),
    "partner_user": {"view", "record"},
    "other_partner_user": set(),
    "manager": {"view", "record", "refund"},
    "other_manager": set(),
    "link_worker": set(),
    "admin_user": set(PERMS),  # a Django superuser holds every permission
    "outsider": set(),
}
PERM_NAMES = {
    "pay": "payments.pay_signup",
    "view": "payments.view_signup_payments",
    "record": "payments.record_signup_payment",
    "refund": "payments.refund_signup",
}


@pytest.fixture
def signup(room, partner, time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    activity = make_activity(
        booking=approved_booking(room=room, partner=partner), price_pence=300
    )
    return sign_up(activity, *family()).signup


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_gets_exactly_its_money_permissions(request, signup, role):
    if role == "family":
        user = signup.household.user
    elif role == "other_family":
        user = family()[0].user
    else:
        user = request.getfixturevalue(role)
    granted = {p for p in PERMS if user.has_perm(PERM_NAMES[p], signup)}
    assert granted == EXPECTED[role]
    if "view" in granted:
        assert (
            signup_payments.signup_for_money(signup_id=signup.pk, user=user) == signup
        )
    else:
        with pytest.raises(NotFound):
            signup_payments.signup_for_money(signup_id=signup.pk, user=user)


def test_anonymous_sees_nothing(signup):
    with pytest.raises(NotFound):
        signup_payments.signup_for_money(signup_id=signup.pk, user=AnonymousUser())
