"""Fixtures for booking tests: time frozen on 1 September 2026 (before both
clock changes of the school year), and a helper that requests through the
service."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bookings.scheduling import Frequency, Recurrence
from bookings.services import When, booking_request

LONDON = ZoneInfo("Europe/London")


def london(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def weekly(until=None, count=None, interval=1) -> Recurrence:
    return Recurrence(
        frequency=Frequency.WEEKLY, interval=interval, until=until, count=count
    )


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def request_booking(room, partner, partner_user):
    def _request(
        first_day=dt.date(2026, 9, 8),
        start=dt.time(18, 0),
        end=dt.time(20, 0),
        recurrence=None,
        *,
        room=room,
        partner=partner,
        user=partner_user,
        title="Family cooking",
        attendees=20,
        **kwargs,
    ):
        recurrence = recurrence or Recurrence()
        return booking_request(
            room=room,
            partner=partner,
            requested_by=user,
            title=title,
            when=When(first_day=first_day, start=start, end=end, recurrence=recurrence),
            expected_attendees=attendees,
            **kwargs,
        )

    return _request
