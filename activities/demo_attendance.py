"""Demo attendance history: the autumn term 2026 (from Monday 7 September to
yesterday) of every demo series activity, so reports have a term to show.

The demo activities are published on bookings that start today, so the
weeks before today are added to each booking as past slots (same weekday and
local time, skipping October half-term) with a session each. The marks go
through the register services: the partner's staff mark the registers that
are still open, the school's business manager the ones closed after 7 days
(as a manager typing up paper registers would). Deterministic and idempotent:
a session that already has marks is left alone.

Realistic, not perfect: most families come most weeks, a few come late or
leave early, some miss a week, two in every nine households often do not come
(they get the one no-show email), a walk-in from another family now and then,
and a count of people not registered.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from activities.errors import DomainError
from activities.models import Activity, Attendance, HouseholdMember, Session
from activities.services.referrals import session_register_member_ids
from activities.services.registers import (
    attendance_set,
    register_state,
    walk_in_add,
    walk_in_count_set,
)
from bookings.models import Slot
from hub.models import StaffRole

TERM_START = dt.date(2026, 9, 7)
HALF_TERM = (dt.date(2026, 10, 24), dt.date(2026, 11, 1))


def seed_attendance_history(activities: list[Activity], households) -> int:
    """Marks written (0 on a second run)."""
    written = 0
    for activity in activities:
        if not activity.is_series:
            continue
        for session in _past_sessions(activity):
            written += _mark(session, households)
    return written


def _past_sessions(activity: Activity) -> list[Session]:
    first = (
        activity.booking.slots.filter(starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
        or activity.booking.slots.order_by("starts_at").first()
    )
    if first is None:
        return []
    zone = activity.booking.room.site.zoneinfo
    local = timezone.localtime(first.starts_at, zone)
    length, before, after = (
        first.ends_at - first.starts_at,
        first.starts_at - first.buffered_start,
        first.buffered_end - first.ends_at,
    )
    sessions, day = [], local.date() - dt.timedelta(weeks=1)
    while day >= TERM_START:
        start = dt.datetime.combine(day, local.time(), tzinfo=zone)
        if not HALF_TERM[0] <= day <= HALF_TERM[1] and start + length < timezone.now():
            sessions.append(_session(activity, first, start, length, before, after))
        day -= dt.timedelta(weeks=1)
    return sorted(sessions, key=lambda s: s.starts_at)


def past_slot(
    booking, room, start, length, before, after, price_pence, full_price_pence=None
) -> Slot:
    """A date of `booking` at `start` (aware), written directly as an approved
    slot with its buffers: the booking services refuse dates in the past.
    Idempotent by the booking and start. Also payments.demo's past lettings."""
    slot, _ = Slot.objects.get_or_create(
        booking=booking,
        original_start=start,
        defaults={
            "room": room,
            "starts_at": start,
            "ends_at": start + length,
            "buffered_start": start - before,
            "buffered_end": start + length + after,
            "price_pence": price_pence,
            "full_price_pence": price_pence
            if full_price_pence is None
            else full_price_pence,
        },
    )
    return slot


@transaction.atomic
def _session(activity, first, start, length, before, after) -> Session:
    slot = past_slot(
        activity.booking,
        first.room,
        start,
        length,
        before,
        after,
        first.price_pence,
        first.full_price_pence,
    )
    session, _ = Session.objects.get_or_create(
        activity=activity,
        slot=slot,
        defaults={"starts_at": slot.starts_at, "ends_at": slot.ends_at},
    )
    return session


def _markers(activity: Activity):
    manager = (
        StaffRole.objects.filter(
            site_id=activity.booking.room.site_id,
            role=StaffRole.Role.BUSINESS_MANAGER,
        )
        .select_related("user")
        .first()
    )
    runner = activity.partner.memberships.select_related("user").first()
    return (runner.user if runner else None), (manager.user if manager else None)


def _mark(session: Session, households) -> int:
    if Attendance.objects.filter(session=session).exists():
        return 0
    session = Session.objects.select_related(
        "activity__booking__room__site", "activity__partner"
    ).get(pk=session.pk)
    runner, manager = _markers(session.activity)
    actor = runner if runner and register_state(session) == "open" else manager
    if actor is None:
        return 0
    rng = random.Random(session.pk)
    expected = session_register_member_ids(session=session)
    members = {}
    for member in HouseholdMember.objects.filter(pk__in=expected).order_by("pk"):
        members.setdefault(member.household_id, []).append(member)
    written = 0
    for household_id, people in members.items():
        for member, status, minutes in _household_marks(rng, household_id, people):
            extra = _times(session, status, minutes)
            attendance_set(
                session=session, member=member, status=status, marked_by=actor, **extra
            )
            written += 1
    written += _walk_ins(rng, session, households, set(members), actor)
    return written


def _household_marks(rng, household_id: int, people):
    """Whether the household came (a few often do not), then each person."""
    often_away = household_id % 9 in (0, 4)
    if rng.random() < (0.55 if often_away else 0.12):
        return [(m, "absent", 0) for m in people]
    marks = []
    for member in people:
        roll = rng.random()
        if roll < 0.08:
            marks.append((member, "late", rng.choice([5, 10, 15, 20])))
        elif roll < 0.12:
            marks.append((member, "left_early", rng.choice([20, 30, 40])))
        elif roll < 0.15:
            marks.append((member, "absent", 0))
        else:
            marks.append((member, "present", 0))
    return marks


def _times(session: Session, status: str, minutes: int) -> dict:
    if status == "late":
        return {"arrived_at": session.starts_at + dt.timedelta(minutes=minutes)}
    if status == "left_early":
        return {"left_at": session.ends_at - dt.timedelta(minutes=minutes)}
    return {}


def _walk_ins(rng, session, households, booked: set[int], actor) -> int:
    written = 0
    others = [h for h in households if h.pk not in booked]
    if others and rng.random() < 0.25:
        household = rng.choice(others)
        child = household.members.filter(kind="child").first()
        if child is not None:
            try:
                walk_in_add(
                    session=session,
                    household_reference=household.reference,
                    member_id=child.pk,
                    added_by=actor,
                )
                written += 1
            except DomainError:
                pass
    count = rng.choice([0, 0, 1, 2, 3])
    if count:
        walk_in_count_set(
            session=session,
            count=count,
            note="Came with a friend" if count == 1 else "",
            recorded_by=actor,
        )
    return written
