"""Time is frozen on 1 October 2026, before the October clock change, so the
default sessions (Tuesdays 18:00 from 13 October) straddle it."""

import datetime as dt

import pytest

from tests.activities.factories import approved_booking, make_activity


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def booking(room, partner):
    return approved_booking(room=room, partner=partner)


@pytest.fixture
def activity(booking):
    return make_activity(booking=booking)
