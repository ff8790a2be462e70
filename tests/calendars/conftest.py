"""A school year at Hillside (terms, half terms, an INSET closure, bank
holidays) with time frozen on 1 September 2026, before both clock changes."""

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from activities import services as activity_services
from activities.models import Activity
from bookings.scheduling import Frequency, Recurrence
from bookings.services import (
    When,
    booking_approve,
    booking_cancel,
    booking_occurrence_move,
    booking_request,
)
from calendars import selectors, services
from hub.models import StaffRole
from tests.activities.factories import family, sign_up
from tests.factories import (
    ClosureFactory,
    HolidayFactory,
    StaffRoleFactory,
    TermFactory,
)

LONDON = ZoneInfo("Europe/London")


def london(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def caretaker(site):
    return StaffRoleFactory(
        site=site, role=StaffRole.Role.SITE_STAFF, user__username="caretaker"
    ).user


@pytest.fixture
def school_year(site):
    """Three terms with half terms and one INSET day (a Monday)."""
    for name, start, end in [
        ("Autumn term", (2026, 9, 3), (2026, 12, 18)),
        ("Spring term", (2027, 1, 4), (2027, 3, 26)),
        ("Summer term", (2027, 4, 12), (2027, 7, 21)),
    ]:
        TermFactory(
            site=site, name=name, starts_on=dt.date(*start), ends_on=dt.date(*end)
        )
    for name, start, end in [
        ("Autumn half term", (2026, 10, 26), (2026, 10, 30)),
        ("Spring half term", (2027, 2, 15), (2027, 2, 19)),
        ("Summer half term", (2027, 5, 31), (2027, 6, 4)),
    ]:
        HolidayFactory(
            site=site, name=name, starts_on=dt.date(*start), ends_on=dt.date(*end)
        )
    ClosureFactory(
        site=site,
        reason="INSET day",
        starts_on=dt.date(2026, 11, 16),
        ends_on=dt.date(2026, 11, 16),
    )


@pytest.fixture
def year_booking(school_year, room, partner, partner_user, manager):
    """Mondays 18:00-20:00 in term time, 7 Sep 2026 to 19 Jul 2027, approved;
    one date cancelled (30 Nov) and one moved (11 Jan to Wednesday 13 Jan,
    19:00-21:00). Bank holidays (Easter Monday, 3 May) and the closure skip."""
    booking = booking_request(
        room=room,
        partner=partner,
        requested_by=partner_user,
        title="Family cooking; bring aprons, please",
        when=When(
            first_day=dt.date(2026, 9, 7),
            start=dt.time(18),
            end=dt.time(20),
            recurrence=Recurrence(
                frequency=Frequency.WEEKLY, until=dt.date(2027, 7, 19)
            ),
        ),
        expected_attendees=20,
        term_time_only=True,
        setup_notes="Tables in rows.\nOven on at 17:30.",
    )
    booking_approve(booking=booking, approved_by=manager)
    by_day = {s.starts_at.astimezone(LONDON).date(): s for s in booking.slots.all()}
    booking_cancel(
        booking=booking,
        cancelled_by=partner_user,
        slot_id=by_day[dt.date(2026, 11, 30)].pk,
        reason="Boiler repair",
    )
    booking_occurrence_move(
        booking=booking,
        slot_id=by_day[dt.date(2027, 1, 11)].pk,
        moved_by=partner_user,
        day=dt.date(2027, 1, 13),
        start=dt.time(19),
        end=dt.time(21),
    )
    booking.refresh_from_db()
    return booking


@pytest.fixture
def year_activity(year_booking, partner_user):
    """A published activity in every running date; one session cancelled."""
    activity = activity_services.activity_create(
        booking=year_booking,
        created_by=partner_user,
        publish=True,
        title="Cook and eat",
        description="Cook a meal together and eat it.",
        category=Activity.Category.COOKING,
        capacity=10,
    )
    session = activity.sessions.order_by("starts_at")[2]
    activity_services.session_cancel(
        session=session, reason="Chef unwell", cancelled_by=partner_user
    )
    return activity


@pytest.fixture
def signed_up_family(year_activity):
    household, members = family(children=1, carers=1)
    sign_up(year_activity, household, members)
    return household


def link_for(user, kind, target):
    token = services.feed_token_issue(actor=user, kind=kind, target=target)
    return selectors.feed_links([token])[0]


def feed_path(link) -> str:
    return urlsplit(link.https_url).path


@pytest.fixture
def anon():
    return Client()
