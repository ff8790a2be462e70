import datetime as dt

import pytest
from django.urls import reverse

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


@pytest.fixture
def download(client, django_capture_on_commit_callbacks):
    """A report file as a reader gets it: at once for a small report; for a
    large one (reports/background.py) the button's POST, the task (eager, run
    on commit), then the file from the progress page's link."""

    def get(url, query):
        from urllib.parse import urlencode

        from reports.models import ReportExport

        response = client.get(url, query)
        if not response["Content-Type"].startswith("text/html"):
            return response
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(f"{url}?{urlencode(query)}")
        assert started.status_code == 302, started.content[:300]
        export = ReportExport.objects.latest("pk")
        assert started["Location"] == reverse("reports:export", args=[export.pk])
        return client.get(reverse("reports:export-download", args=[export.pk]))

    return get
