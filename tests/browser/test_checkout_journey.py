"""The family's checkout for a held paid place, on a phone and a desktop:
axe finds nothing, nothing scrolls sideways, the time left is in words, and
when Stripe.js cannot load (as here: no card company is reachable) the page
says so plainly instead of showing a broken form. The sign-up's money page
for the school's manager is scanned too."""

import pytest

from payments import signup_payments
from tests.activities.factories import (
    approved_booking,
    family,
    london,
    make_activity,
    sign_up,
)
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.factories import PASSWORD, StaffRoleFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def held(transactional_db, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_browser"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_browser"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: no Stripe.js
    settings.STRIPE_JS_URL = "http://127.0.0.1:9/js.stripe.com/v3/"
    settings.USE_STRIPE = True
    booking = approved_booking(starts=london(2030, 1, 8, 18, 0))
    activity = make_activity(booking=booking, price_pence=450, refund_days_before=7)
    household, members = family(children=2)
    return sign_up(activity, household, members).signup


def _fits(page) -> None:
    assert_accessible(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not overflow, f"{page.url} scrolls sideways"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_checkout_says_what_is_held_and_degrades_without_stripe_js(
    page, held, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, held.household.user.username, PASSWORD)
    page.goto(f"/payments/checkout/{held.pk}/")
    _fits(page)
    text = page.locator("#hold-left").inner_text()
    assert text in ("15 minutes left.", "14 minutes left.")
    assert page.get_by_text("The card form has not loaded.").is_visible()
    assert page.locator("#card-form").is_hidden()
    assert page.get_by_role("status").count() >= 1  # the polite live region


def test_the_manager_sees_the_money_page(page, held, settings):
    settings.USE_STRIPE = False
    site = held.activity.booking.room.site
    manager = StaffRoleFactory(site=site, role="business_manager").user
    signup_payments.signup_record_payment(
        signup=held, amount_pence=900, method="cash", actor=manager
    )
    sign_in(page, manager.username, PASSWORD)
    page.goto(f"/payments/sign-ups/{held.pk}/")
    _fits(page)
    page.get_by_label("Amount to refund, in pounds").fill("2.00")
    page.get_by_label("Why you are refunding").fill("Missed a week")
    page.get_by_role("button", name="Refund").click()
    page.wait_for_load_state()
    assert page.get_by_text("Refund made.").is_visible()
    _fits(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_manager_refunds_an_invoice_payment(page, transactional_db, viewport):
    """The invoice page's Refund link, the refund page and its error, on a
    phone and a desktop: axe finds nothing and nothing scrolls sideways."""
    import datetime as dt

    from payments.invoicing import invoice_issue, invoices_build_month
    from payments.models import Refund
    from payments.services import invoice_payment_record

    booking = approved_booking(starts=london(2030, 1, 8, 18, 0))
    booking.slots.update(price_pence=5000)
    site = booking.room.site
    manager = StaffRoleFactory(site=site, role="business_manager").user
    (draft,) = invoices_build_month(actor=None, site=site, month=dt.date(2030, 1, 1))
    invoice = invoice_issue(actor=None, invoice=draft)
    invoice_payment_record(
        actor=manager,
        invoice=invoice,
        amount_pence=invoice.total_pence,
        method="bank_transfer",
        reference="BACS 123",
    )
    page.set_viewport_size(viewport)
    sign_in(page, manager.username, PASSWORD)
    page.goto(f"/payments/invoices/{invoice.pk}/")
    _fits(page)
    page.get_by_role("link", name="Refund the £200.00 bank transfer payment").click()
    page.wait_for_load_state()
    _fits(page)
    page.get_by_label("Amount to refund, in pounds").fill("250.00")
    page.get_by_label("Why you are refunding").fill("Paid twice")
    page.get_by_role("button", name="Record the refund").click()
    page.wait_for_load_state()
    assert page.get_by_text("There is a problem").is_visible()
    _fits(page)
    page.get_by_label("Amount to refund, in pounds").fill("50.00")
    page.get_by_role("button", name="Record the refund").click()
    page.wait_for_load_state()
    assert page.get_by_text("Refund recorded.").is_visible()
    _fits(page)
    assert Refund.objects.get().amount_pence == 5000
