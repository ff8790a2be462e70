"""The attended-marks rollup (reports/rollup.py) stays equal to the register
marks whatever changes them, so every figure read from it still equals the
figure recomputed from the raw rows: marks changed through the register,
walk-ins, sessions cancelled, households erased or made eligible, a member's
kind corrected, bulk writes, and the triggers lost and put back."""

import datetime as dt

import pytest
from django.db import connection

from activities.models import Attendance, HouseholdMember, Session
from activities.services.households import (
    household_request_deletion,
    household_verify_eligibility,
)
from activities.services.publishing import session_cancel
from activities.services.registers import attendance_set, walk_in_add
from reports import rollup
from reports.apps import _rollup_triggers
from reports.figures import DIMENSIONS, impact_figures
from reports.models import AttendedMark
from reports.scopes import ALL
from reports.tasks import rollup_check
from reports.termly import termly_figures
from tests.reports.expected import compare, expected_figures
from tests.reports.test_termly import _expected as expected_return


def _all_figures_match(world, period, now):
    assert rollup.rollup_differences() == 0
    for by in DIMENSIONS:
        rows, total = impact_figures(scope=ALL, period=period, by=by)
        expected = expected_figures(scope=ALL, period=period, by=by, now=now)
        compare(rows, total, *expected, by=by, scope=ALL)


def _recent_session(world, now):
    """A session that ran within the last 7 days (its register still open to
    the partner), with marks on it."""
    session = (
        Session.objects.filter(
            status="scheduled",
            starts_at__lt=now,
            starts_at__gte=now - dt.timedelta(days=6),
            attendances__isnull=False,
        )
        .distinct()
        .first()
    )
    assert session is not None, "the world has a session in the last week"
    return session


def test_the_rollup_holds_exactly_the_attended_marks(world):
    attended = Attendance.objects.filter(status__in=["present", "late", "left_early"])
    assert AttendedMark.objects.count() == attended.count() > 20
    mark = attended.select_related("member").first()
    row = AttendedMark.objects.get(attendance_id=mark.pk)
    assert (row.session_id, row.member_id, row.household_id) == (
        mark.session_id,
        mark.member_id,
        mark.member.household_id,
    )
    assert row.child == (mark.member.kind == "child")
    assert row.walk_in == mark.walk_in


def test_marks_changed_on_the_register_change_the_figures(world, autumn, now):
    session = _recent_session(world, now)
    runner = world.admin
    marks = list(session.attendances.select_related("member"))
    came = next(m for m in marks if m.status != "absent")
    attendance_set(
        session=session, member=came.member, status="absent", marked_by=runner
    )
    assert not AttendedMark.objects.filter(attendance_id=came.pk).exists()
    absent = next((m for m in marks if m.status == "absent"), came)
    attendance_set(
        session=session, member=absent.member, status="late", marked_by=runner
    )
    assert AttendedMark.objects.filter(attendance_id=absent.pk).exists()
    _all_figures_match(world, autumn, now)


def test_a_walk_in_counts_at_once(world, autumn, now):
    session = _recent_session(world, now)
    on_register = set(session.attendances.values_list("member_id", flat=True))
    household, member = next(
        (h, m)
        for h, members in world.households
        for m in members
        if m.pk not in on_register and m.kind == "child"
    )
    before = impact_figures(scope=ALL, period=autumn, by="site")[1]["walk_ins"]
    mark = walk_in_add(
        session=session,
        household_reference=household.reference,
        member_id=member.pk,
        added_by=world.admin,
    )
    assert AttendedMark.objects.get(attendance_id=mark.pk).walk_in
    after = impact_figures(scope=ALL, period=autumn, by="site")[1]["walk_ins"]
    assert after == before + 1
    _all_figures_match(world, autumn, now)


def test_a_cancelled_session_stops_counting(world, autumn, now):
    session = _recent_session(world, now)
    assert AttendedMark.objects.filter(session=session).exists()
    before = impact_figures(scope=ALL, period=autumn, by="site")[1]
    session_cancel(session=session, reason="Boiler broke", cancelled_by=world.admin)
    after = impact_figures(scope=ALL, period=autumn, by="site")[1]
    assert after["sessions"] == before["sessions"] - 1
    assert after["places_attended"] < before["places_attended"]
    _all_figures_match(world, autumn, now)


def test_an_erased_household_still_counts_without_its_postcode(world, autumn, now):
    household, _ = next(
        (h, m)
        for h, m in world.households
        if h.postcode and AttendedMark.objects.filter(household=h).exists()
    )
    marks = AttendedMark.objects.filter(household=household).count()
    household_request_deletion(household=household, requested_by=world.admin)
    household.refresh_from_db()
    assert household.postcode == "" and household.erased_at
    assert AttendedMark.objects.filter(household=household).count() == marks
    _all_figures_match(world, autumn, now)
    # Its marks now count under "Not known" in the area breakdown.
    rows, _ = impact_figures(scope=ALL, period=autumn, by="area")
    assert "" in {key for key, _, _ in rows}


def test_eligibility_verified_later_counts_at_once(world, autumn, now):
    household = next(
        h
        for h, _ in world.households
        if h.fsm_verified_at is None
        and AttendedMark.objects.filter(household=h).exists()
    )
    before = impact_figures(scope=ALL, period=autumn, by="site")[1]
    household_verify_eligibility(
        household=household, verified_by=world.admin, eligible=True, reason="Letter"
    )
    after = impact_figures(scope=ALL, period=autumn, by="site")[1]
    assert after["fsm_households"] == before["fsm_households"] + 1
    _all_figures_match(world, autumn, now)


def test_a_member_recorded_as_the_wrong_kind_is_corrected_everywhere(
    world, autumn, now
):
    carer_mark = (
        Attendance.objects.filter(
            member__kind="carer", status__in=["present", "late", "left_early"]
        )
        .select_related("member")
        .first()
    )
    if carer_mark is None:  # the world marks children and carers alike
        carer_mark = Attendance.objects.filter(status="present").first()
        carer_mark.member.kind = "carer"
        carer_mark.member.save(update_fields=["kind"])
    member = carer_mark.member
    HouseholdMember.objects.filter(pk=member.pk).update(kind="child")
    assert AttendedMark.objects.get(attendance_id=carer_mark.pk).child
    _all_figures_match(world, autumn, now)
    rows, total, _ = termly_figures(scope=ALL, period=autumn)
    expected_rows, expected_total = expected_return(ALL, autumn, now)
    assert ({k: v for k, _, v in rows}, total) == (expected_rows, expected_total)


def test_bulk_writes_keep_the_rollup_too(world, autumn, now):
    """Writes that bypass the models' save (a data fix, a bulk import)."""
    Attendance.objects.filter(status="left_early").update(status="absent")
    Attendance.objects.filter(status="late").delete()
    session = Session.objects.filter(status="scheduled", starts_at__lt=now).first()
    on_register = set(session.attendances.values_list("member_id", flat=True))
    newcomers = HouseholdMember.objects.exclude(pk__in=on_register)[:3]
    Attendance.objects.bulk_create(
        Attendance(session=session, member=m, status="present", walk_in=True)
        for m in newcomers
    )
    _all_figures_match(world, autumn, now)


def test_lost_triggers_are_put_back_and_the_rollup_refilled(world, autumn, now):
    """SQLite drops a table's triggers when a migration rebuilds the table:
    after migrate they are put back and the rollup refilled, and the check
    task repairs a rollup that was let go stale."""
    rollup.triggers_drop()
    assert not rollup.triggers_present()
    Attendance.objects.filter(status="present").update(status="absent")
    assert rollup.rollup_differences() > 0

    _rollup_triggers(using="default")
    assert rollup.triggers_present()
    _all_figures_match(world, autumn, now)

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {rollup.TABLE}")
    assert rollup_check() > 0
    assert rollup_check() == 0
    _all_figures_match(world, autumn, now)


@pytest.mark.parametrize("kind", ["child", "carer"])
def test_only_attended_marks_are_in_the_rollup(world, kind):
    for status in ("present", "absent", "late", "left_early"):
        mark = Attendance.objects.filter(member__kind=kind).first()
        Attendance.objects.filter(pk=mark.pk).update(status=status)
        assert AttendedMark.objects.filter(attendance_id=mark.pk).exists() == (
            status != "absent"
        )
