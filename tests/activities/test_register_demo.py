"""The demo's autumn-term attendance history (activities.demo_attendance):
past sessions before today, a realistic mix of marks written through the
register services (so audited), and nothing more on a second run."""

import pytest

from activities.demo_attendance import seed_attendance_history
from activities.models import Attendance, Session
from hub.models import AuditEntry
from tests.activities.factories import family, make_activity, sign_up

pytestmark = pytest.mark.django_db


def test_history_is_a_term_of_past_registers_and_idempotent(booking, manager):
    activity = make_activity(booking=booking, capacity=40)
    households = []
    for _ in range(9):
        household, members = family(children=2)
        sign_up(activity, household, members)
        households.append(household)
    written = seed_attendance_history([activity], households)
    # Frozen on 1 October 2026, the sessions run on Tuesdays from 13 October:
    # the term so far is 8, 15, 22 and 29 September.
    past = Session.objects.filter(activity=activity, attendances__isnull=False)
    days = sorted({s.starts_at.date().isoformat() for s in past})
    assert days == ["2026-09-08", "2026-09-15", "2026-09-22", "2026-09-29"]
    marks = Attendance.objects.filter(session__activity=activity)
    assert written == marks.count() >= 4 * 27
    statuses = set(marks.values_list("status", flat=True))
    assert {"present", "absent"} <= statuses
    assert (
        marks.filter(status="present").count() > marks.filter(status="absent").count()
    )
    assert AuditEntry.objects.filter(action="attendance.marked").count() >= 4 * 27
    assert seed_attendance_history([activity], households) == 0
    assert (
        Attendance.objects.filter(session__activity=activity).count() == marks.count()
    )
