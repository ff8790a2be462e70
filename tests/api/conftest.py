"""The contract tests' world: time frozen on Tuesday 1 September 2026, before
the bookings and activities the factories make (from 13 October)."""

import datetime as dt

import pytest


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
