"""Migration 0003 turned the old present/absent tick into the attendance
status: a tick became "present", no tick "absent", and nobody's mark was lost
or changed in any other way. (Going back with marks present fails: the
reverse of the RemoveField adds `present` NOT NULL with no default; not
tested here.)"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from activities.models import Attendance
from tests.activities.factories import family, make_activity

BEFORE = [("activities", "0002_audit_log_constraint_messages_text_limits")]
AFTER = [("activities", "0003_attendance_status_walk_ins")]


def migrate(targets):
    """A fresh executor each time: the graph and the applied set change."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    """Going back to activities 0002 also unapplies what depends on later
    activities migrations (payments...): put every app back at its latest
    migration afterwards, or the next test on this database finds tables
    missing."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_and_after(back_to_latest):
    """Three people and two sessions made with today's models (their tables
    survive the trip back), then ticks written the old way at 0002."""
    activity = make_activity()
    first, second = list(activity.sessions.order_by("starts_at"))[:2]
    _, (carer, child) = family(children=1, carers=1)
    _, (other_child,) = family(children=1, carers=0)

    old = migrate(BEFORE)
    OldAttendance = old.get_model("activities", "Attendance")
    assert "present" in {f.name for f in OldAttendance._meta.get_fields()}
    ticks = {
        (first.pk, carer.pk): True,
        (first.pk, child.pk): False,
        (first.pk, other_child.pk): True,
        (second.pk, child.pk): True,
        (second.pk, other_child.pk): False,
    }
    for (session, member), present in ticks.items():
        OldAttendance.objects.create(
            session_id=session, member_id=member, present=present
        )
    return ticks


@pytest.mark.django_db(transaction=True)
def test_a_tick_becomes_present_and_no_tick_becomes_absent(before_and_after):
    new = migrate(AFTER)  # the model as 0003 left it
    marks = new.get_model("activities", "Attendance").objects.values_list(
        "session_id", "member_id", "status", "walk_in", "arrived_at", "left_at"
    )
    assert {(s, m): rest for s, m, *rest in marks} == {
        key: ["present" if present else "absent", False, None, None]
        for key, present in before_and_after.items()
    }

    # And at the latest migration the product reads them the same way.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert {
        (a.session_id, a.member_id): a.attended for a in Attendance.objects.all()
    } == before_and_after
