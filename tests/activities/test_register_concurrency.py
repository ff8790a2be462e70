"""Two phones marking one register at the same moment (real threads): every
mark is kept, a person never gets two rows, and each change is one audit
entry. Runs on SQLite and PostgreSQL."""

import threading

import pytest
from django.db import connection

from activities.models import Attendance
from activities.services import attendance_set
from hub.models import AuditEntry
from tests.activities.factories import family, make_activity, sign_up


def _race(jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_marks_made_at_the_same_moment_are_all_kept(
    booking, partner_user, manager, time_machine
):
    activity = make_activity(booking=booking, capacity=30)
    people = []
    for _ in range(3):
        household, members = family(children=1)
        sign_up(activity, household, members)
        people += members
    session = activity.sessions.select_related("activity__booking__room__site").first()
    time_machine.move_to(session.starts_at, tick=False)
    jobs = [
        (
            lambda m=m: attendance_set(
                session=session, member=m, status="present", marked_by=partner_user
            )
        )
        for m in people
    ]
    # and the same child marked from two phones at once
    child = people[1]
    jobs.append(
        lambda: attendance_set(
            session=session, member=child, status="late", marked_by=manager
        )
    )
    errors = _race(jobs)
    assert errors == []
    marks = dict(Attendance.objects.values_list("member_id", "status"))
    assert set(marks) == {m.pk for m in people}  # nobody lost, one row each
    assert marks[child.pk] in {"present", "late"}
    entries = AuditEntry.objects.filter(action="attendance.marked")
    # one entry per change: 6 first marks, and the child's second tap (whichever
    # came second) changed present to late or late to present
    assert entries.count() == len(people) + 1
    child_mark = Attendance.objects.get(member=child)
    assert entries.filter(object_id=child_mark.pk).count() == 2
