"""The pages of paid places: the activity page's price, signing up leads to
the checkout, the checkout (time left in words, the card form only with card
payments on, a clear message when Stripe.js has not loaded), the result page,
and the sign-up's money page for the organiser and the school."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import SignUp
from payments import signup_payments
from payments.models import Payment, Refund
from tests.activities.factories import approved_booking, family, make_activity, sign_up

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen(time_machine, settings):
    time_machine.move_to(NOW, tick=False)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def paid(room, partner):
    booking = approved_booking(room=room, partner=partner)
    return make_activity(booking=booking, price_pence=450, refund_days_before=3)


def held(activity, **family_kwargs):
    return sign_up(activity, *family(**family_kwargs)).signup


def test_the_activity_page_states_the_price_and_refunds(client, paid):
    body = client.get(reverse("activities:detail", args=[paid.pk])).content.decode()
    assert "£4.50 per child, for the whole series" in body
    assert "Free for families whose free school meals are confirmed" in body
    assert (
        "Full refund if you cancel at least 3 days before it starts; none after."
        in body
    )


def test_signing_up_to_a_paid_place_leads_to_the_checkout(client, paid, stripe_keys):
    household, members = family(children=1)
    client.force_login(household.user)
    response = client.post(
        reverse("activities:signup", args=[paid.pk]),
        {"members": [m.pk for m in members]},
    )
    signup = SignUp.objects.get(household=household)
    assert signup.status == "awaiting_payment"
    assert response.url == reverse("payments:checkout", args=[signup.pk])


def test_the_checkout_shows_amount_what_for_and_time_left(
    client, paid, stripe_keys, django_assert_max_num_queries
):
    signup = held(paid, children=2)
    client.force_login(signup.household.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("payments:checkout", args=[signup.pk]))
    body = response.content.decode()
    assert response["Cache-Control"] == "no-store, private"
    assert "Pay £9.00 by card" in body
    assert "We are holding your place until 10:15 on Thursday 1 October." in body
    assert "15 minutes left." in body
    assert 'role="status"' in body  # the polite live region
    assert 'data-hold-seconds="900"' in body
    # Stripe.js cannot load here: the form stays hidden, the message says so.
    assert "The card form has not loaded." in body
    assert 'id="card-form" data-checkout' in body and " hidden>" in body
    assert "payments/checkout.js" in body


def test_without_card_payments_the_checkout_says_pay_on_the_day(
    client, paid, stripe_keys, settings
):
    signup = held(paid)  # held while keys were set
    settings.USE_STRIPE = False
    client.force_login(signup.household.user)
    body = client.get(reverse("payments:checkout", args=[signup.pk])).content.decode()
    assert "Card payment is not available on this site." in body
    assert "card-form" not in body and "js.stripe.com" not in body


def test_the_checkout_of_an_ended_hold_says_so(client, paid, stripe_keys, time_machine):
    signup = held(paid)
    time_machine.move_to(NOW + dt.timedelta(minutes=16), tick=False)
    client.force_login(signup.household.user)
    body = client.get(reverse("payments:checkout", args=[signup.pk])).content.decode()
    assert "The hold on this place has ended." in body
    assert "card-form" not in body


def test_a_confirmed_place_goes_to_the_result_page(client, paid, stripe_off):
    signup = held(paid)  # no keys: confirmed, paid on the day
    client.force_login(signup.household.user)
    response = client.get(reverse("payments:checkout", args=[signup.pk]))
    assert response.url == reverse("payments:checkout-done", args=[signup.pk])
    body = client.get(response.url).content.decode()
    assert "Please pay £4.50 to Family Action Leeds on the day." in body


def test_the_result_page_while_the_card_company_confirms(client, paid, stripe_keys):
    signup = held(paid)
    Payment.objects.create(
        signup=signup, method="card", amount_pence=450, stripe_payment_intent_id="pi_1"
    )
    client.force_login(signup.household.user)
    url = reverse("payments:checkout-done", args=[signup.pk])
    body = client.get(url + "?paid=1").content.decode()
    assert "Your payment is being confirmed" in body


def test_another_family_gets_404(client, paid, stripe_keys):
    signup = held(paid)
    stranger, _ = family()
    client.force_login(stranger.user)
    for name in (
        "payments:checkout",
        "payments:checkout-done",
        "payments:signup-money",
    ):
        assert client.get(reverse(name, args=[signup.pk])).status_code == 404


def test_the_family_page_offers_pay_now(client, paid, stripe_keys):
    signup = held(paid)
    client.force_login(signup.household.user)
    body = client.get(reverse("activities:household")).content.decode()
    assert reverse("payments:checkout", args=[signup.pk]) in body
    assert "Held until 10:15" in body


def test_the_organiser_records_money_taken_on_the_day(
    client, paid, stripe_off, partner_user
):
    signup = held(paid)
    client.force_login(partner_user)
    url = reverse("payments:signup-money", args=[signup.pk])
    body = client.get(url).content.decode()
    assert "Record money taken" in body and 'id="refund"' not in body
    post = reverse("payments:signup-record-payment", args=[signup.pk])
    bad = client.post(post, {"pay-amount": "9.00", "pay-method": "cash"})
    assert bad.status_code == 400
    assert "only £4.50 is left to pay" in bad.content.decode()
    ok = client.post(post, {"pay-amount": "4.50", "pay-method": "cash"})
    assert ok.url == url
    assert Payment.objects.get(signup=signup).amount_pence == 450


def test_the_manager_refunds_money_taken_on_the_day(
    client, paid, stripe_off, partner_user, manager
):
    signup = held(paid)
    signup_payments.signup_record_payment(
        signup=signup, amount_pence=450, method="cash", actor=partner_user
    )
    client.force_login(manager)
    post = reverse("payments:signup-refund", args=[signup.pk])
    bad = client.post(post, {"refund-amount": "5.00", "refund-reason": "Ill"})
    assert "at most £4.50 can be refunded" in bad.content.decode()
    client.post(post, {"refund-amount": "2.00", "refund-reason": "Ill"})
    refund = Refund.objects.get()
    assert (refund.amount_pence, refund.status) == (200, "succeeded")


def test_the_activity_form_takes_the_price_in_pounds(client, paid, partner_user):
    client.force_login(partner_user)
    url = reverse("activities:edit", args=[paid.pk])
    body = client.get(url).content.decode()
    assert 'value="4.50"' in body
    assert "Full refund if cancelled at least this many days before" in body


def test_income_lists_the_months_paid_places_in_fixed_queries(
    client, paid, manager, site, stripe_off, django_assert_max_num_queries
):
    """The manager's Income page lists the month's places at paid activities
    (free ones at £0.00) with what each paid, linked to its money page; the
    number of queries does not grow with the places."""
    income = reverse("payments:income") + f"?site={site.pk}&month=2026-10"
    first = held(paid, children=2)
    signup_payments.signup_record_payment(
        signup=first, amount_pence=900, method="cash", actor=manager
    )
    client.force_login(manager)
    with django_assert_max_num_queries(16):
        page = client.get(income)
    body = page.content.decode()
    assert "Paid activity places" in body
    assert reverse("payments:signup-money", args=[first.pk]) in body
    assert "£9.00" in body
    for _ in range(6):
        held(paid, children=1)
    with django_assert_max_num_queries(16):
        page = client.get(income)
    assert page.content.decode().count("/payments/sign-ups/") == 7
