"""A family pays for a paid activity place by card, in Chromium, end to end:
the activity page's sign-up holds the places and opens the checkout, which
shows the time left on the hold; the card form is Stripe.js (localstripe's
stand-in, served by localstripe on its own port and allowed by the CSP as
Stripe's origins are in production); the payment is confirmed by Stripe's
signed webhook, which localstripe posts to the live server; the family sees
the confirmation and the place is confirmed in the database. axe scans the
activity, checkout and result pages (with the card form mounted).

localstripe's Stripe.js stand-in confirms a payment only for an intent that
is waiting for 3-D Secure (`confirmCardPayment` asks "Complete
authentication?" and calls the fake's `_authenticate`); it does not read the
card element. Real Stripe.js puts the card on the intent inside its own frame
when the page calls `confirmCardPayment`; here the test does that step when
the page asks our API for the intent: it attaches localstripe's 3-D Secure
test card (4000 0027 6000 3184) to the intent the server made and confirms it
(status requires_action), then hands the page the API's answer unchanged.
"""

import copy
import json
import re
import time
import urllib.request

import pytest
from csp import constants as csp_const

from activities.models import SignUp
from payments import gateway
from payments.models import Payment
from tests.activities.factories import approved_booking, family, london, make_activity
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.localstripe import start_localstripe

pytestmark = pytest.mark.browser
WEBHOOK_SECRET = "whsec_browser_family_pays"
THREE_D_SECURE_CARD = "4000002760003184"


@pytest.fixture(scope="module")
def localstripe():
    """localstripe on a free port for this module: the API, Stripe.js's
    stand-in and the webhooks it signs."""
    try:
        url, proc = start_localstripe()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def card_payments(settings, localstripe, live_server):
    """Card payments on, as production builds them from the environment in
    hub/settings.py: keys, the API base, Stripe.js's address and the CSP's
    Stripe origins (script, frames, calls), set before the live server serves
    a page. localstripe posts its signed webhooks to the live server."""
    settings.STRIPE_SECRET_KEY = "sk_test_family_pays"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_family_pays"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe
    settings.STRIPE_JS_URL = f"{localstripe}/js.stripe.com/v3/"
    settings.USE_STRIPE = True
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    directives = policy["DIRECTIVES"]
    directives["script-src"] = [*directives["script-src"], localstripe]
    directives["frame-src"] = [csp_const.SELF, localstripe]
    directives["connect-src"] = [csp_const.SELF, localstripe]
    settings.CONTENT_SECURITY_POLICY = policy
    request = urllib.request.Request(  # noqa: S310 - localstripe on 127.0.0.1
        f"{localstripe}/_config/webhooks/community-hub",
        data=json.dumps(
            {
                "url": f"{live_server.url}/payments/stripe/webhook/",
                "secret": WEBHOOK_SECRET,
                "events": ["payment_intent.succeeded", "payment_intent.payment_failed"],
            }
        ).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=30).close()  # noqa: S310
    return settings


@pytest.fixture
def paid_activity(transactional_db, card_payments):
    """£4.50 a child for the series (adults free), 10 places; a family of a
    carer and two children aged about 8."""
    booking = approved_booking(starts=london(2030, 1, 8, 18, 0))
    activity = make_activity(
        booking=booking,
        title="Family science club",
        price_pence=450,
        refund_days_before=7,
    )
    household, _members = family(children=2)
    return activity, household


def _stripe_puts_the_card_on_the_intent(route) -> None:
    """What Stripe.js does with the card inside its frame: the page's request
    for the intent goes to our API unchanged; the 3-D Secure test card is put
    on the intent it answers with, and the answer goes back to the page."""
    response = route.fetch()
    body = response.json()
    if response.status == 201:
        intent = gateway.confirm_intent_for_tests(
            body["payment_intent_id"], THREE_D_SECURE_CARD
        )
        assert intent.status == "requires_action"  # 3-D Secure asked for
    route.fulfill(response=response)


def _confirmed_page(page, deadline_seconds: float = 60) -> None:
    """Reload the result page until the webhook has confirmed the place (it
    arrives about a second after the payment); fails after the deadline."""
    deadline = time.monotonic() + deadline_seconds
    while page.get_by_role("heading", name="Your place is booked").count() == 0:
        assert time.monotonic() < deadline, (
            "the place was never confirmed: " + page.locator("main").inner_text()
        )
        page.wait_for_timeout(500)
        page.reload()


def test_a_family_pays_for_a_place_by_card(page, paid_activity, mailoutbox):
    activity, household = paid_activity
    sign_in(page, household.user.username, PASSWORD)

    page.goto(f"/activities/{activity.pk}/")
    assert_accessible(page)
    assert "£4.50" in page.locator("main").inner_text()
    for box in page.locator("input[name=members]").all():
        box.check()
    page.get_by_role("button", name=re.compile("^Sign up")).click()
    page.wait_for_load_state()

    # The checkout: the hold and the time left in words, and the card form.
    signup = SignUp.objects.get(household=household, activity=activity)
    assert signup.status == SignUp.Status.AWAITING_PAYMENT
    assert page.url.endswith(f"/payments/checkout/{signup.pk}/")
    assert page.get_by_role("heading", name="Pay for your place").is_visible()
    assert page.locator("#hold-left").inner_text() in (
        "15 minutes left.",
        "14 minutes left.",
    )
    form = page.locator("#card-form")
    form.wait_for(state="visible")  # Stripe.js (the stand-in) has loaded
    assert page.locator("#card-unavailable").is_hidden()
    assert_accessible(page)  # with the card form mounted

    # The stand-in's card fields (real Stripe.js draws them in its frame).
    for placeholder, value in (
        ("number", THREE_D_SECURE_CARD),
        ("exp_month", "12"),
        ("exp_year", "40"),
        ("cvc", "123"),
    ):
        page.locator(f"#card-element input[placeholder={placeholder}]").fill(value)
    page.route(
        f"**/api/v1/signups/{signup.pk}/pay/", _stripe_puts_the_card_on_the_intent
    )
    page.get_by_role("button", name="Pay £9.00").click()

    # 3-D Secure: the card company asks the family to confirm.
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(re.compile(rf"/payments/checkout/{signup.pk}/done/"))
    _confirmed_page(page)
    assert "we have received £9.00" in page.locator("main").inner_text()
    assert_accessible(page)

    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CONFIRMED
    assert signup.hold_expires_at is None
    [payment] = Payment.objects.filter(signup=signup)
    assert (payment.status, payment.amount_pence) == (Payment.Status.SUCCEEDED, 900)
    assert gateway.retrieve_intent(payment.stripe_payment_intent_id).status == (
        "succeeded"
    )
    assert any("Paid" in m.subject for m in mailoutbox)
