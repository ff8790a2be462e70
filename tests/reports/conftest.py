import datetime as dt

import pytest

from reports.periods import Period
from tests.reports.world import NOW, ReportWorld


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The world has dozens of users: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def world(db, now):
    return ReportWorld()


@pytest.fixture
def autumn():
    return Period(dt.date(2026, 9, 1), dt.date(2026, 12, 31), "Autumn")
