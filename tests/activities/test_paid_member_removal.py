"""Removing one person from a PAID sign-up for several (issue 13): the
sign-up's amount drops by that person's price (activities.pricing.member_share)
and payments refunds the difference by the activity's refund policy, told by
activities.signals.signup_reduced inside the same transaction. Card payments
run the real `stripe` library against localstripe (tests/localstripe.py), as
the other payments tests do.

Time is frozen on 1 October 2026; the sessions are Tuesdays 18:00 from
13 October, so a 7-day refund policy still refunds until 6 October."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import SignUp
from activities.services import signup_remove_member
from hub.models import AuditEntry
from payments import gateway, signup_payments
from payments.models import Refund
from tests.activities.factories import family, make_activity, sign_up
from tests.payments.conftest import (  # noqa: F401 (fixtures)
    localstripe_url,
    pay_by_card,
    stripe_keys,
    stripe_off,
    stripe_on,
)

pytestmark = pytest.mark.django_db
Status = SignUp.Status


@pytest.fixture
def paid(booking):
    """£5 per child for the series, full refund up to 7 days before."""
    return make_activity(booking=booking, price_pence=500, refund_days_before=7)


def _remove(signup, member):
    return signup_remove_member(
        signup=signup, member=member, cancelled_by=signup.household.user
    )


@pytest.mark.usefixtures("stripe_off")
def test_the_amount_drops_by_one_childs_price(paid):
    household, (carer, ada, ben) = family(children=2)
    signup = sign_up(paid, household, [carer, ada, ben]).signup
    assert (signup.status, signup.amount_pence) == (Status.CONFIRMED, 1000)
    after = _remove(signup, ada)
    assert (after.places, after.amount_pence) == (2, 500)
    assert list(after.members.all()) == [carer, ben]
    entry = AuditEntry.objects.get(action="signup.member_removed")
    assert entry.changes["amount_pence"] == [1000, 500]
    assert entry.changes["places"] == [3, 2]
    assert not Refund.objects.exists()  # nothing was paid: less to pay on the day


@pytest.mark.usefixtures("stripe_off")
def test_an_adult_leaving_changes_no_price(paid):
    household, (carer, ada, ben) = family(children=2)
    signup = sign_up(paid, household, [carer, ada, ben]).signup
    after = _remove(signup, carer)
    assert (after.places, after.amount_pence) == (2, 1000)
    entry = AuditEntry.objects.get(action="signup.member_removed")
    assert "amount_pence" not in entry.changes


@pytest.mark.usefixtures("stripe_off")
def test_a_family_price_stays_while_anyone_is_coming(booking):
    activity = make_activity(booking=booking, price_pence=800, price_basis="family")
    household, (carer, ada) = family(children=1)
    signup = sign_up(activity, household, [carer, ada]).signup
    assert _remove(signup, ada).amount_pence == 800


@pytest.mark.usefixtures("stripe_off")
def test_a_price_per_session_drops_by_that_childs_sessions(booking):
    activity = make_activity(booking=booking, price_pence=300, price_covers="session")
    household, (_, ada, ben) = family(children=2)
    signup = sign_up(activity, household, [ada, ben]).signup
    assert signup.amount_pence == 2400  # 2 children x 4 sessions x £3
    assert _remove(signup, ben).amount_pence == 1200


@pytest.mark.usefixtures("stripe_on")
def test_paid_by_card_in_time_the_childs_share_is_refunded_through_stripe(
    paid, mailoutbox, django_capture_on_commit_callbacks
):
    household, (carer, ada, ben) = family(children=2)
    signup = sign_up(paid, household, [carer, ada, ben]).signup
    pay_by_card(signup)
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        after = _remove(signup, ada)
    assert (after.status, after.amount_pence, after.places) == (
        Status.CONFIRMED,
        500,
        2,
    )
    [refund] = Refund.objects.all()
    assert (refund.amount_pence, refund.status) == (500, Refund.Status.SUCCEEDED)
    assert refund.stripe_refund_id  # sent to (local) Stripe after commit
    assert f"{ada.first_name}'s place" in refund.reason
    [email] = [m for m in mailoutbox if m.subject.startswith("Refund")]
    assert f"You cancelled {ada.first_name}'s place in time" in email.body
    assert "£5.00" in email.body
    money = signup_payments.signup_money(after)
    assert (money.paid_pence, money.refunded_pence, money.due_pence) == (
        1000,
        500,
        500,
    )


@pytest.mark.usefixtures("stripe_on")
def test_too_late_for_the_policy_nothing_is_refunded(
    paid, time_machine, django_capture_on_commit_callbacks
):
    household, (carer, ada, ben) = family(children=2)
    signup = sign_up(paid, household, [carer, ada, ben]).signup
    pay_by_card(signup)
    time_machine.move_to(dt.datetime(2026, 10, 8, 12, 0, tzinfo=dt.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        after = _remove(signup, ada)
    assert after.amount_pence == 500
    assert not Refund.objects.exists()


@pytest.mark.usefixtures("stripe_on")
def test_a_place_held_for_payment_is_then_paid_at_the_new_amount(
    paid, django_capture_on_commit_callbacks
):
    household, (carer, ada, ben) = family(children=2)
    signup = sign_up(paid, household, [carer, ada, ben]).signup
    assert signup.status == Status.AWAITING_PAYMENT
    first = signup_payments.signup_pay_intent(signup=signup, actor=household.user)
    assert first.payment.amount_pence == 1000
    with django_capture_on_commit_callbacks(execute=True):
        _remove(signup, ben)  # the open intent for £10 is cancelled after commit
    signup.refresh_from_db()
    assert signup.amount_pence == 500
    intent = gateway.retrieve_intent(first.payment.stripe_payment_intent_id)
    assert intent.status == "canceled"
    payment = pay_by_card(signup)
    assert payment.amount_pence == 500
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED
    assert not Refund.objects.exists()


@pytest.mark.usefixtures("stripe_off")
def test_money_taken_on_the_day_is_handed_back_in_time(
    paid, partner_user, django_capture_on_commit_callbacks
):
    household, (carer, ada, ben) = family(children=2)
    signup = sign_up(paid, household, [carer, ada, ben]).signup
    signup_payments.signup_record_payment(
        signup=signup, amount_pence=1000, method="cash", actor=partner_user
    )
    with django_capture_on_commit_callbacks(execute=True):
        _remove(signup, ada)
    [refund] = Refund.objects.all()
    assert (refund.amount_pence, refund.status) == (500, Refund.Status.SUCCEEDED)
    assert AuditEntry.objects.filter(action="refund.recorded").count() == 1


@pytest.mark.usefixtures("stripe_off")
def test_a_part_payment_is_refunded_only_beyond_the_new_amount(paid, partner_user):
    household, (carer, ada, ben) = family(children=2)
    signup = sign_up(paid, household, [carer, ada, ben]).signup
    signup_payments.signup_record_payment(
        signup=signup, amount_pence=700, method="cash", actor=partner_user
    )
    _remove(signup, ada)  # now £5 due, £7 paid: £2 back
    [refund] = Refund.objects.all()
    assert refund.amount_pence == 200


@pytest.mark.usefixtures("stripe_on")
def test_removing_the_last_child_after_another_cancels_and_refunds_the_rest(
    paid, django_capture_on_commit_callbacks
):
    household, (_, ada, ben) = family(children=2)
    signup = sign_up(paid, household, [ada, ben]).signup
    pay_by_card(signup)
    with django_capture_on_commit_callbacks(execute=True):
        _remove(signup, ada)
        after = _remove(SignUp.objects.get(pk=signup.pk), ben)
    assert after.status == Status.CANCELLED
    assert sorted(Refund.objects.values_list("amount_pence", flat=True)) == [500, 500]


@pytest.mark.usefixtures("stripe_off")
def test_the_page_says_the_new_price(client, paid):
    household, (carer, ada, ben) = family(children=2)
    signup = sign_up(paid, household, [carer, ada, ben]).signup
    client.force_login(household.user)
    response = client.post(
        reverse("activities:signup-cancel", args=[signup.pk]), {"who": str(ada.pk)}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert f"{ada.first_name} is no longer signed up to Cook and eat" in page
    assert "The price is now £5.00" in page
