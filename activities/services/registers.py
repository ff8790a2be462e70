"""Registers: mark who came to a session, one person at a time, and count
people who came without being registered.

The rules (docs/attendance.md):
- a register opens an hour before the session starts (OPENS_BEFORE);
- a cancelled session has no register;
- from 7 days after the session ends (LOCKED_AFTER) only the business manager
  of the school may change it;
- only people with a confirmed place are on it; anyone else from a known
  household is added as a walk-in (`walk_in=True`), and people not registered
  at all are a count (WalkInCount).

Every change is one audit entry in the same transaction. The session row is
locked while a mark is written, so two phones marking at once cannot both
create the same row or lose each other's change.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from activities.errors import DomainError, PermissionDenied, StateError
from activities.models import (
    ATTENDED_STATUSES,
    Attendance,
    Household,
    HouseholdMember,
    NoShowNotice,
    Session,
    WalkInCount,
)
from activities.services.referrals import session_register_member_ids
from hub.audit import audit_record, diff, snapshot
from hub.rules import require_perm

OPENS_BEFORE = dt.timedelta(hours=1)
LOCKED_AFTER = dt.timedelta(days=7)
MAX_WALK_INS = 1000
MARK_FIELDS = ("status", "arrived_at", "left_at", "walk_in")
RUNNERS_ONLY = "Only the organisation running it, or the school's business manager, can take the register."


def register_opens_at(session: Session) -> dt.datetime:
    return session.starts_at - OPENS_BEFORE


def register_locks_at(session: Session) -> dt.datetime:
    return session.ends_at + LOCKED_AFTER


def register_state(session: Session, *, now: dt.datetime | None = None) -> str:
    """ "cancelled", "not_open", "open" or "locked" (managers only)."""
    now = now or timezone.now()
    if session.status == Session.Status.CANCELLED:
        return "cancelled"
    if now < register_opens_at(session):
        return "not_open"
    if now >= register_locks_at(session):
        return "locked"
    return "open"


def register_require_open(*, session: Session, actor) -> None:
    """Raise unless `actor` may change this session's register now."""
    require_perm(actor, "activities.take_register", session, message=RUNNERS_ONLY)
    state = register_state(session)
    if state == "cancelled":
        raise StateError("This session was cancelled, so it has no register.")
    if state == "not_open":
        opens = timezone.localtime(
            register_opens_at(session), session.activity.booking.room.site.zoneinfo
        )
        raise StateError(
            f"The register opens an hour before the session, at {opens:%H:%M} on "
            f"{opens:%A %-d %B}."
        )
    if state == "locked" and not actor.has_perm(
        "activities.change_locked_register", session
    ):
        raise PermissionDenied(
            "This register closed 7 days after the session. Ask the school's "
            "business manager to correct it."
        )


def _site_id(session: Session) -> int:
    return session.activity.booking.room.site_id


def _lock(session: Session) -> None:
    Session.objects.select_for_update().filter(pk=session.pk).first()


@transaction.atomic
def attendance_set(
    *,
    session: Session,
    member: HouseholdMember,
    status: str,
    marked_by,
    arrived_at: dt.datetime | None = None,
    left_at: dt.datetime | None = None,
) -> Attendance:
    """Mark one person on the register: present, absent, late or left early.

    Late without a time means they arrived now; left early without a time
    means they left now. Only people with a confirmed place, or already on the
    register as walk-ins, can be marked."""
    register_require_open(session=session, actor=marked_by)
    _lock(session)
    if status not in Attendance.Status.values:
        raise DomainError("Choose present, absent, late or left early.", field="status")
    mark = Attendance.objects.filter(session=session, member=member).first()
    if mark is None and member.pk not in session_register_member_ids(session=session):
        raise DomainError(
            "This person has no place in this session. Add them as a walk-in instead.",
            field="member",
        )
    return _write(session, member, mark, marked_by, status, arrived_at, left_at)


@transaction.atomic
def register_save(*, session: Session, marks: dict[int, str], marked_by) -> int:
    """Save a whole register at once (the page without JavaScript): `marks` is
    {member id: status}; an empty status leaves that person unmarked. Every
    id must be on the register. Returns how many marks changed."""
    register_require_open(session=session, actor=marked_by)
    _lock(session)
    existing = {
        a.member_id: a
        for a in Attendance.objects.filter(session=session).select_related("member")
    }
    allowed = session_register_member_ids(session=session) | set(existing)
    if set(marks) - allowed:
        raise DomainError(
            "Some people marked have no place in this session. Add them as "
            "walk-ins instead.",
            field="marks",
        )
    if any(s and s not in Attendance.Status.values for s in marks.values()):
        raise DomainError("Choose present, absent, late or left early.", field="marks")
    members = {m.pk: m for m in HouseholdMember.objects.filter(pk__in=list(marks))}
    changed = 0
    for member_id, status in sorted(marks.items()):
        mark = existing.get(member_id)
        if not status or (mark and mark.status == status):
            continue
        _write(session, members[member_id], mark, marked_by, status, None, None)
        changed += 1
    return changed


@transaction.atomic
def attendance_mark(
    *, session: Session, marked_by, present_member_ids: set[int]
) -> int:
    """Everyone with a place marked present or absent (the earlier tick-box
    register; register_save takes every status). Returns how many present."""
    expected = session_register_member_ids(session=session)
    if set(present_member_ids) - expected:
        raise DomainError(
            "Some people ticked are not signed up to this session.", field="present"
        )
    register_save(
        session=session,
        marks={m: "present" if m in present_member_ids else "absent" for m in expected},
        marked_by=marked_by,
    )
    return len(present_member_ids)


def _times(status, arrived_at, left_at, mark, now):
    """The arrival and leaving times a status keeps: times given win, else the
    earlier mark's; a late mark gets an arrival time (now), a left-early mark a
    leaving time (now); present and late have no leaving time, absent neither."""
    if status == Attendance.Status.ABSENT:
        return None, None
    arrived_at = arrived_at or (mark.arrived_at if mark else None)
    left_at = left_at or (mark.left_at if mark else None)
    if status == Attendance.Status.LATE and arrived_at is None:
        arrived_at = now
    if status == Attendance.Status.LEFT_EARLY and left_at is None:
        left_at = now
    if status in (Attendance.Status.PRESENT, Attendance.Status.LATE):
        left_at = None
    return arrived_at, left_at


def _write(
    session, member, mark, marked_by, status, arrived_at, left_at, walk_in=False
):
    now = timezone.now()
    arrived_at, left_at = _times(status, arrived_at, left_at, mark, now)
    if arrived_at and left_at and left_at < arrived_at:
        raise DomainError(
            "The time they left must be after the time they arrived.", field="left_at"
        )
    creating = mark is None
    if creating:
        mark = Attendance(session=session, member=member, walk_in=walk_in)
    before = {} if creating else snapshot(mark, MARK_FIELDS)
    mark.status, mark.arrived_at, mark.left_at = status, arrived_at, left_at
    changes = diff(before, snapshot(mark, MARK_FIELDS))
    if creating and not walk_in:
        changes.pop("walk_in", None)  # only a walk-in says so
    if not changes:
        return mark
    mark.marked_by = marked_by
    mark.save()
    audit_record(
        actor=marked_by,
        action="attendance.walk_in_added"
        if creating and walk_in
        else "attendance.marked",
        obj=mark,
        changes=changes,
        site_id=_site_id(session),
    )
    if status == Attendance.Status.ABSENT:
        household_id, activity_id = member.household_id, session.activity_id
        transaction.on_commit(lambda: _queue_no_show_check(household_id, activity_id))
    return mark


def _queue_no_show_check(household_id: int, activity_id: int) -> None:
    from activities.tasks import check_no_shows

    check_no_shows.delay(household_id, activity_id)


@transaction.atomic
def walk_in_add(
    *,
    session: Session,
    household_reference: str,
    member_id: int,
    added_by,
    status: str = Attendance.Status.PRESENT,
) -> Attendance:
    """A member of a known household who came without a place: on the
    register as a walk-in. The family's reference (which they give) and the
    member must match, so nobody is added by guessing an id."""
    register_require_open(session=session, actor=added_by)
    _lock(session)
    member = (
        HouseholdMember.objects.select_related("household")
        .filter(
            pk=member_id,
            household__reference=household_reference.strip().upper(),
            household__erased_at__isnull=True,
        )
        .first()
    )
    if member is None:
        raise DomainError(
            "No one with that reference and person was found. Check the family's "
            "reference.",
            field="household_reference",
        )
    if status not in Attendance.Status.values or status == Attendance.Status.ABSENT:
        raise DomainError("A walk-in came: choose present or late.", field="status")
    mark = Attendance.objects.filter(session=session, member=member).first()
    if mark is not None:
        raise DomainError(
            f"{member} is already on the register. Mark them there.",
            field="member_id",
        )
    return _write(session, member, None, added_by, status, None, None, walk_in=True)


def household_for_walk_in(*, session: Session, reference: str, actor) -> Household:
    """The household a runner is adding a walk-in from (by the reference the
    family gives), for the register's walk-in step."""
    register_require_open(session=session, actor=actor)
    household = (
        Household.objects.prefetch_related("members")
        .filter(reference=reference.strip().upper(), erased_at__isnull=True)
        .first()
    )
    if household is None:
        raise DomainError(
            "No household has that reference. Check the 8 letters and numbers the "
            "family gave you.",
            field="household_reference",
        )
    return household


@transaction.atomic
def walk_in_count_set(
    *, session: Session, count: int, recorded_by, note: str = ""
) -> WalkInCount:
    """How many people came who are not registered at all (the latest count
    replaces the earlier one)."""
    register_require_open(session=session, actor=recorded_by)
    _lock(session)
    if not 0 <= count <= MAX_WALK_INS:
        raise DomainError(
            f"Enter a number of walk-ins from 0 to {MAX_WALK_INS}.", field="count"
        )
    if len(note) > 300:
        raise DomainError("Keep the note to 300 characters or fewer.", field="note")
    row = WalkInCount.objects.filter(session=session).first()
    before = {"count": row.count if row else None, "note": row.note if row else None}
    if row is None:
        row = WalkInCount(session=session, count=count)
    row.count, row.note, row.recorded_by = count, note, recorded_by
    changes = diff(before, {"count": count, "note": note})
    if changes:
        row.save()
        audit_record(
            actor=recorded_by,
            action="attendance.walk_ins_counted",
            obj=row,
            changes=changes,
            site_id=_site_id(session),
        )
    return row


NO_SHOW_EMAIL_AFTER = 2  # missed sessions of one activity


def sessions_missed(*, household_id: int, activity_id: int) -> int:
    """Sessions of the activity where the household was expected and nobody
    from it came: at least one member marked absent, none marked as came.
    Cancelled sessions do not count; a cancelled sign-up takes the household
    off later registers, so it is never marked absent for those."""
    marks = Attendance.objects.filter(
        member__household_id=household_id,
        session__activity_id=activity_id,
        session__status=Session.Status.SCHEDULED,
    ).values_list("session_id", "status")
    came, expected = set(), set()
    for session_id, status in marks:
        expected.add(session_id)
        if status in ATTENDED_STATUSES:
            came.add(session_id)
    return len(expected - came)


@transaction.atomic
def no_show_check(*, household_id: int, activity_id: int) -> NoShowNotice | None:
    """After a household's second missed session of an activity, send it one
    friendly email (once per household and activity, however many more it
    misses). Returns the notice if one was sent now. Run by the system after
    a register mark of absent is committed."""
    missed = sessions_missed(household_id=household_id, activity_id=activity_id)
    if missed < NO_SHOW_EMAIL_AFTER:
        return None
    notice, created = NoShowNotice.objects.get_or_create(
        household_id=household_id, activity_id=activity_id, defaults={"missed": missed}
    )
    if not created:
        return None
    audit_record(
        actor=None,
        action="household.no_show_emailed",
        obj=notice.household,
        changes={"missed": [None, missed]},
        # The family reads this in its history: the activity by name.
        reason=f"Missed {missed} sessions of {notice.activity.title}",
    )
    transaction.on_commit(lambda: _send_no_show_email(notice.pk))
    return notice


def _send_no_show_email(notice_id: int) -> None:
    from activities.tasks import send_no_show_email

    send_no_show_email.delay(notice_id)
