"""Issue 13, point 9 (the manager's part) in a browser, keyboard only, at 1280
and 375 pixels wide with axe-core on every page: a manager opens the request
queue, approves one request, tries to decline another without a reason (the
error summary takes focus, names the request and the field, and its link puts
the cursor in that field), then declines it with one."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings.models import Booking
from hub.calendar_dates import closed_days
from hub.models import StaffRole
from tests.activities.factories import approved_booking
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    ComplianceDocumentFactory,
    PartnerFactory,
    RoomFactory,
    SiteFactory,
    StaffRoleFactory,
)


@pytest.fixture
def world(transactional_db):
    site = SiteFactory(name="Hillside Primary")
    room = RoomFactory(site=site, name="Main hall", capacity=120)
    partner = PartnerFactory(name="Family Action Leeds")
    ComplianceDocumentFactory(
        partner=partner, expires_on=timezone.localdate() + dt.timedelta(days=400)
    )
    # Two weeks from now, or later if either week falls on a bank holiday
    # (the demo school closes on them, and the approval would refuse it).
    # A Tuesday: the school opens 15:30 to 21:30 on weekdays but closes at
    # 17:00 on Saturdays, so a Saturday start (run on a Saturday) was refused.
    first = timezone.localdate() + dt.timedelta(days=14)
    first += dt.timedelta(days=(1 - first.weekday()) % 7)
    while closed_days(site, first, first + dt.timedelta(days=7)):
        first += dt.timedelta(days=7)
    requests = {}
    for hour, title in ((16, "Parents coffee morning"), (18, "Chess club")):
        requests[title] = approved_booking(
            room=room,
            partner=partner,
            title=title,
            starts=dt.datetime.combine(first, dt.time(hour), tzinfo=site.zoneinfo),
            weeks=2,
            status=Booking.Status.PENDING,
        )
    StaffRoleFactory(
        site=site, role=StaffRole.Role.BUSINESS_MANAGER, user__username="manager"
    )
    return requests


def _focused(page) -> str:
    return page.evaluate(
        "(document.activeElement.id || '') + '|' + document.activeElement.textContent.trim()"
    )


def _tab_to(page, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element's id or text holds `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in _focused(page):
            return
    raise AssertionError(f"Tab never reached {text!r}; last: {_focused(page)}")


def _no_sideways_scroll(page) -> None:
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_manager_approves_and_declines_with_the_keyboard_only(page, world, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, "manager", PASSWORD)
    page.goto("/")
    if viewport is PHONE:
        _tab_to(page, "Menu")
        page.keyboard.press("Enter")
    _tab_to(page, "Room requests")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/bookings/queue/")
    assert "2 requests waiting" in page.locator("main").inner_text()
    assert_accessible(page)
    _no_sideways_scroll(page)

    coffee = world["Parents coffee morning"]
    chess = world["Chess club"]
    _tab_to(page, "Approve all 2 dates: Parents coffee morning")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Approved: Parents coffee morning." in page.locator("main").inner_text()
    coffee.refresh_from_db()
    assert coffee.status == Booking.Status.APPROVED
    assert_accessible(page)

    # Decline without a reason: every error at once, at the top, focused.
    _tab_to(page, "Decline: Chess club")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    focused = _focused(page)
    assert "There is a problem" in focused
    message = (
        "Enter a reason for declining \u201cChess club\u201d: the partner will see it"
    )
    assert message in focused
    assert message in page.locator(".error-message").inner_text()
    chess.refresh_from_db()
    assert chess.status == Booking.Status.PENDING
    assert_accessible(page)
    _no_sideways_scroll(page)

    # The summary's link puts the cursor in the reason box for that request.
    page.keyboard.press("Tab")
    assert message in _focused(page)
    page.keyboard.press("Enter")
    assert _focused(page).startswith(f"decline-{chess.pk}|")
    page.keyboard.type("The hall is closed for repairs that week.")
    _tab_to(page, "Decline: Chess club")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Declined: Chess club." in page.locator("main").inner_text()
    assert "No requests are waiting." in page.locator("main").inner_text()
    chess.refresh_from_db()
    assert chess.status == Booking.Status.DECLINED
    assert chess.decision_note == "The hall is closed for repairs that week."
    assert_accessible(page)
