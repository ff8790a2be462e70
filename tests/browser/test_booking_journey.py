"""Issue 3's journey: the demo partner requests a term of weekly sessions, the
demo business manager sees the clash with an existing letting and approves all
but that date, and the caretaker's sheet shows the letting that evening."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings.models import Booking, Slot
from bookings.services import booking_approve, booking_request
from bookings.services.requests import When
from hub.models import Room
from partners.models import Partner
from tests.browser.conftest import assert_accessible, sign_in

START, END = dt.time(20, 0), dt.time(21, 0)


def _next_weekday(weekday: int, after: dt.date) -> dt.date:
    return after + dt.timedelta(days=(weekday - after.weekday()) % 7 or 7)


@pytest.fixture
def demo_world(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    first = _next_weekday(2, timezone.localdate() + dt.timedelta(days=2))  # a Wednesday
    dates = [first + dt.timedelta(weeks=n) for n in range(4)]
    # A room the demo has not let at this time on any of the four dates.
    for room in Room.objects.filter(site__slug="hillside-primary").order_by("capacity"):
        busy = Slot.objects.filter(
            room=room, is_active=True, starts_at__date__in=dates
        ).exists()
        if not busy:
            break
    clash_day = dates[2]
    other = Partner.objects.get(slug="holbeck-food-collective")
    existing = booking_request(
        room=room,
        partner=other,
        requested_by=other.memberships.first().user,
        title="Pantry pop-up",
        when=When(first_day=clash_day, start=dt.time(20, 15), end=dt.time(21, 0)),
        expected_attendees=10,
    )
    booking_approve(booking=existing, approved_by=_manager())
    return {"room": room, "dates": dates, "clash_day": clash_day}


def _manager():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="manager1")


def test_partner_requests_a_series_manager_approves_all_but_the_clash(page, demo_world):
    room, dates, clash_day = (demo_world[k] for k in ("room", "dates", "clash_day"))

    sign_in(page, "partner1")
    page.goto("/bookings/request/")
    assert_accessible(page)
    page.get_by_label("Room").select_option(label=str(room))
    page.get_by_label("Title").fill("Family learning evening")
    page.get_by_label("Expected attendees").fill("12")
    first = page.get_by_role("group", name="Date (or first date)")
    first.get_by_label("Day", exact=True).fill(str(dates[0].day))
    first.get_by_label("Month", exact=True).fill(str(dates[0].month))
    first.get_by_label("Year", exact=True).fill(str(dates[0].year))
    page.get_by_label("Start time").fill(START.strftime("%H:%M"))
    page.get_by_label("End time").fill(END.strftime("%H:%M"))
    page.get_by_label("Weekly (or every few weeks)").check()
    page.get_by_label("Number of times").fill("4")
    page.get_by_role("button", name="Check dates and price").click()
    assert_accessible(page)
    preview = page.locator("table").first.inner_text()
    assert "Pantry pop-up" in preview or "clash" in preview.lower()
    page.get_by_label("Send the request even if some dates clash", exact=False).check()
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    booking = Booking.objects.get(title="Family learning evening")
    assert booking.status == Booking.Status.PENDING

    page.context.clear_cookies()
    sign_in(page, "manager1")
    page.goto("/bookings/queue/")
    assert_accessible(page)
    assert "Pantry pop-up" in page.content()
    request = page.locator(f"section:has(#req-{booking.pk})")
    assert "clashes with Pantry pop-up" in request.inner_text()
    request.get_by_role(
        "button", name=re.compile(r"^Approve all but the clashing dates\s*:\s*Family")
    ).click()
    page.wait_for_load_state()
    assert_accessible(page)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.APPROVED
    active_days = {
        timezone.localtime(s.starts_at, room.site.zoneinfo).date()
        for s in booking.slots.filter(is_active=True)
    }
    assert clash_day not in active_days
    assert set(dates) - {clash_day} <= active_days

    page.context.clear_cookies()
    sign_in(page, "caretaker1")
    page.goto(f"/bookings/sites/{room.site_id}/sheet/?day={dates[0].isoformat()}")
    assert_accessible(page)
    sheet = page.locator("main").inner_text()
    assert "Family learning evening" in sheet
    assert "20:00" in sheet


def test_caretaker_sheet_works_on_a_phone(phone_page, demo_world):
    sign_in(phone_page, "caretaker1")
    room = demo_world["room"]
    phone_page.goto(f"/bookings/sites/{room.site_id}/sheet/")
    assert_accessible(phone_page)
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not overflow, "the lettings sheet scrolls sideways on a phone"
