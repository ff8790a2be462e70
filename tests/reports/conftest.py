import datetime as dt

import pytest
from django.urls import reverse

from reports.background import KEEP_DAYS
from reports.models import ReportExport
from reports.periods import Period
from tests.factories import UserFactory
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


@pytest.fixture
def report_export(now):
    """Makes a report file (ReportExport) of `user`'s, `days_old` days before
    NOW, in `status` (a done one holds a small CSV)."""
    Status = ReportExport.Status

    def make(user, *, status=Status.DONE, days_old=0):
        done = status == Status.DONE
        export = ReportExport.objects.create(
            requested_by=user,
            kind=ReportExport.Kind.IMPACT,
            fmt=ReportExport.Format.CSV,
            scope_key="all",
            title="Impact report: every school, Autumn 2026, by school",
            params={"term": "autumn", "by": "site"},
            status=status,
            percent=100 if done else 0,
            filename="impact-report.csv" if done else "",
            content=b"Site,Children\n" if done else None,
        )
        created_at = now - dt.timedelta(days=days_old)  # auto_now_add ignores it
        ReportExport.objects.filter(pk=export.pk).update(created_at=created_at)
        return export

    return make


@pytest.fixture
def report_files(db, report_export):
    """Report files of two people: older and newer than KEEP_DAYS, in every
    state."""
    ann, bob = UserFactory(), UserFactory()
    keep = KEEP_DAYS
    Status = ReportExport.Status
    return {
        "old_done": report_export(ann, days_old=keep + 1),
        "old_failed": report_export(bob, status=Status.FAILED, days_old=keep + 3),
        "new_done": report_export(ann, days_old=keep - 1),
        "old_queued": report_export(bob, status=Status.QUEUED, days_old=keep + 1),
        "old_running": report_export(ann, status=Status.RUNNING, days_old=keep + 1),
    }
