"""The activity form's sign-up window (hub.widgets.DateTimePartsField): the
GOV.UK date input with a Time box, at desktop and phone width, axe on each
page; a missing time is listed in the error summary, whose link puts the
cursor in the field, and what was typed is kept."""

import pytest
from django.conf import settings
from django.test import Client

from tests.activities.factories import approved_booking, london
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible


@pytest.fixture
def world(transactional_db, room, partner, partner_user):
    booking = approved_booking(
        room=room, partner=partner, starts=london(2027, 1, 12, 18, 0)
    )
    return booking, partner_user


def _signed_in(browser, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_partner_types_the_window_and_fixes_a_missing_time(
    browser, live_server, world, viewport
):
    booking, user = world
    context, page = _signed_in(browser, live_server, user, viewport)
    page.goto(f"/activities/new/{booking.pk}/")
    assert_accessible(page)
    opens = page.get_by_role("group", name="Sign-up opens")
    assert opens.get_by_label("Time").is_visible()
    assert "datetime-local" not in page.content()
    opens.get_by_label("Day", exact=True).fill("5")
    opens.get_by_label("Month", exact=True).fill("1")
    opens.get_by_label("Year", exact=True).fill("2027")
    page.get_by_role("button", name="Save activity").click()
    page.wait_for_load_state()
    assert_accessible(page)
    summary = page.locator(".error-summary")
    summary.get_by_role("link", name="Sign-up opens must include a time").click()
    opens = page.get_by_role("group", name="Sign-up opens")
    day = opens.get_by_label("Day", exact=True)
    assert day.evaluate("el => el === document.activeElement")
    assert day.input_value() == "5"
    assert opens.get_by_label("Year", exact=True).input_value() == "2027"
    wide = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not wide, "the form scrolls sideways"
    context.close()


def test_the_time_box_is_wide_enough_for_a_time(browser, live_server, world):
    booking, user = world
    context, page = _signed_in(browser, live_server, user, DESKTOP)
    page.goto(f"/activities/new/{booking.pk}/")
    time_box = page.get_by_role("group", name="Sign-up opens").get_by_label("Time")
    time_box.fill("18:30")
    fits = time_box.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert fits
    context.close()
