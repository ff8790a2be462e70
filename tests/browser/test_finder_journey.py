"""Issue 13, points 2 and 3 in a browser: a partner finds a room across
schools with the keyboard only, chooses one and lands on a filled-in request
whose preview takes focus; a manager reads the bookings calendar (day, week,
month) on a desktop, a phone and paper. axe-core on every page, at 1280 and
375 pixels wide."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings.models import Booking
from hub.models import RoomFeature, StaffRole, Term
from tests.activities.factories import approved_booking
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    sign_in,
)
from tests.factories import (
    PASSWORD,
    ComplianceDocumentFactory,
    PartnerFactory,
    PartnerMembershipFactory,
    RoomFactory,
    SiteFactory,
    StaffRoleFactory,
)

# How this browser's date and time inputs take typed digits: the order of
# day, month and year, and a 12- or 24-hour clock (Chromium follows its
# interface language, not the page's).
INPUT_FORMAT_JS = """() => {
  const f = new Intl.DateTimeFormat(undefined,
    {year: 'numeric', month: '2-digit', day: '2-digit', hour: 'numeric'});
  const parts = f.formatToParts(new Date(2026, 11, 8, 20));
  return {order: parts.filter(p => ['day', 'month', 'year'].includes(p.type))
                      .map(p => p.type),
          h12: f.resolvedOptions().hour12 === true};
}"""
CODES = {"day": "%d", "month": "%m", "year": "%Y"}


def _next_tuesday(after: dt.date) -> dt.date:
    return after + dt.timedelta(days=(1 - after.weekday()) % 7 or 7)


@pytest.fixture
def world(transactional_db):
    """Two schools; a kitchen at one; an approved letting on the second of
    four Tuesdays in the kitchen; a pending request in the hall."""
    today = timezone.localdate()
    first = _next_tuesday(today + dt.timedelta(days=1))
    last = first + dt.timedelta(weeks=3)
    hillside = SiteFactory(
        name="Hillside Primary", area="Hyde Park", postcode="LS6 2AB"
    )
    riverside = SiteFactory(
        name="Riverside Academy", area="Holbeck", postcode="LS11 5AB"
    )
    kitchen = RoomFactory(site=hillside, name="Kitchen classroom", capacity=24)
    kitchen.features.add(
        RoomFeature.objects.get_or_create(slug="kitchen", defaults={"name": "Kitchen"})[
            0
        ]
    )
    hall = RoomFactory(site=hillside, name="Main hall", capacity=120)
    RoomFactory(site=riverside, name="Library", capacity=30)
    for site in (hillside, riverside):
        Term.objects.create(
            site=site,
            name="This term",
            starts_on=today,
            ends_on=last + dt.timedelta(days=30),
        )
    partner = PartnerFactory(name="Family Action Leeds")
    ComplianceDocumentFactory(
        partner=partner, expires_on=today + dt.timedelta(days=400)
    )
    partner_user = PartnerMembershipFactory(
        partner=partner, user__username="partner"
    ).user
    zone = hillside.zoneinfo
    approved_booking(
        room=kitchen,
        partner=PartnerFactory(name="Holbeck Food Collective"),
        title="Pantry pop-up",
        starts=dt.datetime.combine(
            first + dt.timedelta(weeks=1), dt.time(18, 0), tzinfo=zone
        ),
        weeks=1,
    )
    approved_booking(
        room=hall,
        partner=partner,
        title="Parents' coffee morning",
        starts=dt.datetime.combine(first, dt.time(16, 0), tzinfo=zone),
        weeks=2,
        status=Booking.Status.PENDING,
    )
    StaffRoleFactory(
        site=hillside, role=StaffRole.Role.BUSINESS_MANAGER, user__username="manager"
    )
    return {
        "first": first,
        "last": last,
        "site": hillside,
        "kitchen": kitchen,
        "partner_user": partner_user,
    }


def _focused(page) -> str:
    return page.evaluate(
        "(document.activeElement.id || '') + '|' + document.activeElement.textContent.trim()"
    )


def _tab_to(page, text: str, limit: int = 40) -> None:
    """Press Tab until the focused element's text holds `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in _focused(page):
            return
    raise AssertionError(f"Tab never reached {text!r}; last: {_focused(page)}")


def _type_date(page, label: str, day: dt.date) -> None:
    """Type a date into the day, month and year boxes of the field `label`."""
    group = page.get_by_role("group", name=label)
    for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        group.get_by_label(part, exact=True).focus()
        page.keyboard.type(str(value))


def _date_value(page, label: str) -> dt.date:
    group = page.get_by_role("group", name=label)
    day, month, year = (
        int(group.get_by_label(part, exact=True).input_value())
        for part in ("Day", "Month", "Year")
    )
    return dt.date(year, month, day)


def _type_time(page, label: str, hour: int) -> None:
    h12 = page.evaluate(INPUT_FORMAT_JS)["h12"]
    page.get_by_label(label, exact=True).focus()
    typed = (
        f"{hour % 12 or 12:02d}00{'P' if hour >= 12 else 'A'}"
        if h12
        else f"{hour:02d}00"
    )
    page.keyboard.type(typed)


def test_a_partner_finds_and_requests_a_room_with_the_keyboard_only(page, world):
    sign_in(page, "partner", PASSWORD)
    page.goto("/")
    page.get_by_role("link", name="Find a room").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/bookings/find/")
    assert_accessible(page)

    page.get_by_label("Tuesday").focus()
    page.keyboard.press("Space")
    _type_time(page, "From", 18)
    _type_time(page, "To", 20)
    _type_date(page, "Date, or first date", world["first"])
    _type_date(page, "Last date", world["last"])
    page.get_by_label("Number of people").focus()
    page.keyboard.type("20")
    page.get_by_label("Kitchen").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Search rooms").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "1 room found" in _focused(page)  # the results heading is announced
    assert_accessible(page)
    results = page.locator(".finder-results").inner_text()
    assert "Kitchen classroom, Hillside Primary" in results
    assert "3 of 4" in results
    _tab_to(page, "1 date not free")
    page.keyboard.press("Enter")  # open the list of dates that are not free
    assert (
        "Already booked 18:00 to 20:00" in page.locator(".finder-details").inner_text()
    )
    _tab_to(page, "Request this room")
    page.keyboard.press("Enter")
    page.wait_for_url("**/bookings/request/**")
    assert_accessible(page)

    assert page.get_by_label("Room").input_value() == str(world["kitchen"].pk)
    assert _date_value(page, "Date (or first date)") == world["first"]
    assert page.get_by_label("Start time").input_value() == "18:00"
    assert page.get_by_label("End time").input_value() == "20:00"
    assert page.get_by_label("Expected attendees").input_value() == "20"
    assert page.get_by_label("Weekly (or every few weeks)").is_checked()
    assert _date_value(page, "Repeat until") == world["last"]
    assert page.get_by_label("Term time only", exact=False).is_checked() is False

    page.get_by_label("Title").focus()
    page.keyboard.type("Family cooking")
    page.get_by_label("Send the request even if some dates clash", exact=False).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Check dates and price").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _focused(page).startswith("preview|Dates and price")
    in_view = page.evaluate(
        "(() => { const r = document.getElementById('preview').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; })()"
    )
    assert in_view, "the preview must be where the person is looking"
    assert_accessible(page)
    _tab_to(page, "Send request")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Booking.objects.filter(
        title="Family cooking", room=world["kitchen"]
    ).exists()


def _no_sideways_scroll(page) -> None:
    wide = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not wide, f"{page.url} scrolls sideways on a phone"


def test_the_finder_works_on_a_phone(phone_page, world):
    page = phone_page
    sign_in(page, "partner", PASSWORD)
    page.goto(
        "/bookings/find/?weekdays=1&start_time=18:00&end_time=20:00"
        f"&first_day={world['first']:%Y-%m-%d}&last_day={world['last']:%Y-%m-%d}"
    )
    assert "3 rooms found" in page.locator("#results").inner_text()
    assert_accessible(page)
    _no_sideways_scroll(page)


@pytest.mark.parametrize("view", ["day", "week", "month"])
def test_the_manager_reads_the_calendar_on_desktop_phone_and_paper(
    browser, live_server, world, view
):
    day = world["first"]
    path = (
        f"/bookings/sites/{world['site'].pk}/calendar/?view={view}&day={day:%Y-%m-%d}"
    )
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        sign_in(page, "manager", PASSWORD)
        assert page.goto(path).status == 200
        assert_accessible(page)
        shown = page.locator(".cal-table" if viewport["width"] > 700 else ".cal-list")
        assert shown.is_visible()
        assert "Pending" in shown.inner_text()
        assert "Parents' coffee morning" in shown.inner_text()
        if viewport["width"] < 700:
            _no_sideways_scroll(page)
        else:
            page.emulate_media(media="print")
            assert page.locator(".cal-table").is_visible()
            assert not page.locator(".cal-nav").is_visible()
        context.close()


def test_the_calendar_is_reached_from_the_dashboard_by_keyboard(page, world):
    sign_in(page, "manager", PASSWORD)
    page.goto("/dashboard/")
    page.get_by_role("link", name="bookings calendar for Hillside Primary").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/calendar/**")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Bookings at Hillside Primary"
    )
    _tab_to(page, "Next week")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "view=week" in page.url
