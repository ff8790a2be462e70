"""The manager's bookings calendar per site: who has which room when (day,
week, month), pending told apart in words, only for the site's managers and
staff (404 for everyone else), and a constant number of queries."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from bookings.site_calendar import period_for
from hub.models import StaffRole
from tests.activities.factories import approved_booking
from tests.bookings.conftest import london
from tests.factories import RoomFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


def url(site, **query) -> str:
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    return reverse("bookings:site-calendar", args=[site.pk]) + (f"?{qs}" if qs else "")


def text(response) -> str:
    return " ".join(
        unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()
    )


@pytest.fixture
def lettings(site, room, partner):
    """An approved weekly letting on Tuesdays 18:00-20:00 (13 Oct for 4 weeks,
    across the clock change), a pending request on Wednesday 14 Oct, and a
    declined one that must not show."""
    studio = RoomFactory(site=site, name="Studio")
    return {
        "approved": approved_booking(
            room=room, partner=partner, title="Family cooking"
        ),
        "pending": approved_booking(
            room=studio,
            partner=partner,
            title="Parent coffee morning",
            starts=london(2026, 10, 14, 16, 0),
            weeks=1,
            status="pending",
        ),
        "declined": approved_booking(
            room=studio,
            partner=partner,
            title="Declined idea",
            starts=london(2026, 10, 15, 16, 0),
            weeks=1,
            status="declined",
        ),
    }


def test_the_week_shows_who_has_which_room_and_pending_in_words(
    client, site, manager, lettings
):
    client.force_login(manager)
    response = client.get(url(site, view="week", day="2026-10-14"))
    assert response.status_code == 200
    page = text(response)
    assert "Week of 12 October 2026. Times are local" in page
    assert "18:00 to 20:00: Family cooking Family Action Leeds" in page
    assert "Pending 16:00 to 18:00: Parent coffee morning" in page
    assert "Declined idea" not in page
    assert "2 booked dates in this week" in page
    html = response.content.decode()
    assert reverse("bookings:detail", args=[lettings["approved"].pk]) in html
    assert "cal-entry cal-entry--pending" in html
    assert '<th scope="col">Main hall</th><th scope="col">Studio</th>' in html


def test_the_day_view_has_an_hour_a_row_at_local_time_after_the_clock_change(
    client, site, manager, lettings
):
    client.force_login(manager)
    page = text(client.get(url(site, view="day", day="2026-10-27")))  # GMT again
    assert "Tuesday 27 October 2026. Times are local" in page
    assert "18:00 18:00 to 20:00: Family cooking" in page  # the 18:00 row
    assert "15:00" in page and "21:00" in page  # opening hours 15:30 to 21:30


def test_the_month_view_and_its_navigation(client, site, manager, lettings):
    client.force_login(manager)
    response = client.get(url(site, view="month", day="2026-10-20"))
    page = text(response)
    assert "October 2026. Times are local" in page
    assert "4 booked dates in this month" in page  # 13, 20, 27 Oct and the 14th
    html = response.content.decode()
    assert "?view=month&amp;day=2026-09-01" in html  # previous month
    assert "?view=month&amp;day=2026-11-01" in html  # next month
    assert 'aria-current="page">Month<' in html


def test_periods():
    day = dt.date(2026, 10, 14)  # a Wednesday
    week = period_for("week", day)
    assert (week.first, week.last, week.previous, week.next) == (
        dt.date(2026, 10, 12),
        dt.date(2026, 10, 18),
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 19),
    )
    month = period_for("month", dt.date(2026, 12, 31))
    assert (month.first, month.last, month.previous, month.next) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
        dt.date(2026, 11, 1),
        dt.date(2027, 1, 1),
    )
    assert period_for("day", day).days == [day]


def test_a_bad_view_or_date_shows_this_week(client, site, manager, lettings):
    client.force_login(manager)
    page = text(client.get(url(site, view="year", day="not-a-date")))
    assert (
        "Week of 31 August 2026. Times are local" in page
    )  # today is 1 September 2026


@pytest.mark.parametrize(
    "role", [StaffRole.Role.BUSINESS_MANAGER, StaffRole.Role.SITE_STAFF]
)
def test_the_sites_managers_and_staff_may_see_it(client, site, role):
    client.force_login(StaffRoleFactory(site=site, role=role).user)
    assert client.get(url(site)).status_code == 200


def test_a_platform_admin_may_see_it(client, site, admin_user):
    client.force_login(admin_user)
    assert client.get(url(site)).status_code == 200


@pytest.mark.parametrize(
    "who", ["link_worker", "partner_user", "outsider", "other_manager"]
)
def test_everyone_else_gets_not_found(client, site, who, request, lettings):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url(site, view="week", day="2026-10-14"))
    assert response.status_code == 404
    assert b"Family cooking" not in response.content


def test_an_unknown_site_is_not_found(client, manager):
    client.force_login(manager)
    assert (
        client.get(reverse("bookings:site-calendar", args=[999999])).status_code == 404
    )


def test_signed_out_people_are_sent_to_sign_in(client, site):
    assert client.get(url(site)).status_code == 302


def test_queries_do_not_grow_with_bookings_or_rooms(
    client, site, manager, partner, lettings, django_assert_max_num_queries
):
    client.force_login(manager)
    client.get(url(site, view="month", day="2026-10-01"))
    with django_assert_max_num_queries(25) as before:
        client.get(url(site, view="month", day="2026-10-01"))
    for hour in (15, 16, 17):
        approved_booking(
            room=RoomFactory(site=site),
            partner=partner,
            starts=london(2026, 10, 5, hour, 0),
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert "16 booked dates" in text(
            client.get(url(site, view="month", day="2026-10-01"))
        )


def test_the_dashboard_and_the_sheet_link_to_the_calendar_and_totals(
    client, site, manager
):
    client.force_login(manager)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("bookings:site-calendar", args=[site.pk]) in html
    assert reverse("bookings:site-totals", args=[site.pk]) in html
    sheet = client.get(reverse("bookings:sheet", args=[site.pk])).content.decode()
    assert reverse("bookings:site-calendar", args=[site.pk]) in sheet


def test_the_calendar_is_not_cached_by_browsers(client, site, manager):
    client.force_login(manager)
    assert "no-store" in client.get(url(site))["Cache-Control"]


def test_a_stranger_from_another_school_sees_nothing(
    client, site, other_site, lettings
):
    caretaker = StaffRoleFactory(site=other_site, role=StaffRole.Role.SITE_STAFF).user
    client.force_login(caretaker)
    assert client.get(url(site)).status_code == 404
    assert client.get(url(other_site)).status_code == 200
