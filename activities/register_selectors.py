"""Reading a session's register (activities.services.registers changes it).

Need-to-know (docs/attendance.md): the people running the session see each
person's allergies, medical and SEND notes and who may collect them; the
school's manager and site staff see the register without those; nobody else
sees it. People whose family cancelled this one date of a whole-series place
are listed as cancelled for this date and cannot be marked (so never a
no-show). A fixed number of queries whatever the size of the register.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from activities.models import (
    ATTENDED_STATUSES,
    Attendance,
    HouseholdMember,
    Session,
    SignUp,
    WalkInCount,
)
from activities.services.referrals import session_register_member_ids
from activities.services.registers import (
    register_locks_at,
    register_opens_at,
    register_state,
)
from hub.rules import require_perm


@dataclass
class RegisterRow:
    member: HouseholdMember
    mark: Attendance | None
    booked: bool  # a confirmed place (False: a walk-in)
    age: int | None
    cancelled_date: bool = False  # their family is not coming to this date

    @property
    def household(self):
        return self.member.household

    @property
    def status(self) -> str:
        return self.mark.status if self.mark else ""


@dataclass
class Register:
    session: Session
    rows: list[RegisterRow]
    walk_in_count: WalkInCount | None
    state: str  # activities.services.registers.register_state
    opens_at: dt.datetime
    locks_at: dt.datetime
    show_notes: bool
    can_mark: bool
    counts: dict = field(default_factory=dict)


def register_get(*, session: Session, user) -> Register:
    """The register for `user` (PermissionDenied unless they may see it)."""
    require_perm(
        user,
        "activities.view_register",
        session,
        message="Only the people running this session, and the school's staff, "
        "can see its register.",
    )
    expected = session_register_member_ids(session=session)
    marks = {a.member_id: a for a in Attendance.objects.filter(session=session)}
    off = cancelled_date_member_ids(session=session) - expected - set(marks)
    show_notes = user.has_perm("activities.view_register_notes", session)
    members = (
        HouseholdMember.objects.filter(pk__in=expected | set(marks) | off)
        .select_related("household")
        .order_by("household__name", "kind", "first_name", "pk")
    )
    if show_notes:  # who may collect them: need-to-know, like the notes
        members = members.prefetch_related("household__collectors")
    day = timezone.localdate(session.starts_at)
    rows = [
        RegisterRow(m, marks.get(m.pk), m.pk in expected, m.age_on(day), m.pk in off)
        for m in members
    ]
    state = register_state(session)
    can_mark = user.has_perm("activities.take_register", session) and (
        state == "open"
        or (
            state == "locked"
            and user.has_perm("activities.change_locked_register", session)
        )
    )
    return Register(
        session=session,
        rows=rows,
        walk_in_count=WalkInCount.objects.filter(session=session).first(),
        state=state,
        opens_at=register_opens_at(session),
        locks_at=register_locks_at(session),
        show_notes=show_notes,
        can_mark=can_mark,
        counts=_counts(rows),
    )


def cancelled_date_member_ids(*, session: Session) -> set[int]:
    """Members of whole-series places whose family cancelled this one date
    (activities.services.signup_dates). One query."""
    return set(
        SignUp.members.through.objects.filter(
            signup__cancelled_dates__session=session,
            signup__status=SignUp.Status.CONFIRMED,
        ).values_list("householdmember_id", flat=True)
    )


def _counts(rows: list[RegisterRow]) -> dict:
    counts = {status: 0 for status in Attendance.Status.values}
    counts["unmarked"] = 0
    counts["cancelled_date"] = 0
    for row in rows:
        key = "cancelled_date" if row.cancelled_date else row.status or "unmarked"
        counts[key] += 1
    return counts


@dataclass
class NoShowSummary:
    """An activity's attendance so far, for the partner's activity page."""

    expected: int  # marks of people with a place (walk-ins not counted)
    absent: int
    sessions: int  # sessions with a register taken
    households_missing_two: int  # households that missed 2 or more sessions

    @property
    def rate(self) -> int:
        """Per cent of expected places not used, rounded."""
        return round(100 * self.absent / self.expected) if self.expected else 0


def activity_no_shows(*, activity) -> NoShowSummary:
    """No-show figures over the activity's registers so far (3 queries)."""
    marks = Attendance.objects.filter(
        session__activity=activity,
        session__status=Session.Status.SCHEDULED,
        walk_in=False,
    )
    totals = marks.aggregate(
        expected=Count("pk"),
        absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
        sessions=Count("session", distinct=True),
    )
    missed = _households_missing(marks)
    return NoShowSummary(
        expected=totals["expected"],
        absent=totals["absent"],
        sessions=totals["sessions"],
        households_missing_two=sum(1 for n in missed.values() if n >= 2),
    )


def _households_missing(marks) -> dict[int, int]:
    """{household id: sessions it missed} where nobody from it came."""
    came, expected = set(), set()
    for household_id, session_id, status in marks.values_list(
        "member__household_id", "session_id", "status"
    ):
        expected.add((household_id, session_id))
        if status in ATTENDED_STATUSES:
            came.add((household_id, session_id))
    missed: dict[int, int] = {}
    for household_id, _ in expected - came:
        missed[household_id] = missed.get(household_id, 0) + 1
    return missed
