"""Report files made in the background (reports/background.py) are kept
KEEP_DAYS days: a nightly beat job removes older ones, each removal audited as
the system's. The files come from the report_files fixture
(tests/reports/conftest.py)."""

import pytest
from django.conf import settings

from hub.models import AuditEntry
from reports import background, tasks
from reports.models import ReportExport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _left():
    return set(ReportExport.objects.values_list("pk", flat=True))


def test_the_nightly_job_removes_finished_files_past_the_keep_period(report_files):
    # The old waiting and running ones are stuck (a stopped worker): they
    # fail first, then go with the other old ones.
    assert tasks.report_exports_remove_old.delay().get() == 4
    assert _left() == {report_files["new_done"].pk}
    failed = AuditEntry.objects.filter(action="report_export.failed")
    assert {(str(e.object_id), e.actor, e.changes["status"][0]) for e in failed} == {
        (str(report_files["old_queued"].pk), None, "queued"),
        (str(report_files["old_running"].pk), None, "running"),
    }
    entries = AuditEntry.objects.filter(action="report_export.removed").order_by("pk")
    kept = f"Kept for {background.KEEP_DAYS} days."
    assert [(str(e.object_id), e.actor, e.changes, e.reason) for e in entries] == [
        (str(report_files[name].pk), None, {"status": [status, None]}, kept)
        for name, status in [
            ("old_done", "done"),
            ("old_failed", "failed"),
            ("old_queued", "failed"),
            ("old_running", "failed"),
        ]
    ]
    assert tasks.report_exports_remove_old() == 0  # nothing left to do


def test_the_nightly_job_gives_up_a_file_stuck_for_over_half_an_hour(
    report_export, now
):
    user = UserFactory()
    stuck = report_export(user, status=ReportExport.Status.QUEUED, days_old=1)
    fresh = report_export(user, status=ReportExport.Status.QUEUED, days_old=0)
    assert background.exports_remove_old() == 0  # neither is past keeping
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == ReportExport.Status.FAILED
    assert "Ask for it again" in stuck.error
    assert fresh.status == ReportExport.Status.QUEUED  # just asked for: left alone


def test_the_nightly_job_works_through_many_in_batches(report_export, monkeypatch):
    monkeypatch.setattr(background, "REMOVE_BATCH", 2)
    user = UserFactory()
    for _ in range(5):
        report_export(user, days_old=background.KEEP_DAYS + 1)
    assert background.exports_remove_old() == 5
    assert not ReportExport.objects.exists()
    assert AuditEntry.objects.filter(action="report_export.removed").count() == 5


def test_it_is_scheduled_every_night():
    jobs = {job["task"]: job for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert jobs["reports.tasks.report_exports_remove_old"]["schedule"] == 24 * 3600.0


def test_asking_for_another_file_removes_the_persons_old_ones_audited(report_files):
    ann = report_files["old_done"].requested_by
    background._forget_old(ann)
    assert report_files["old_done"].pk not in _left()
    assert report_files["old_failed"].pk in _left()  # someone else's: the nightly job's
    entry = AuditEntry.objects.get(action="report_export.removed")
    assert str(entry.object_id) == str(report_files["old_done"].pk)
