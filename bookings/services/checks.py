"""Checks run when a booking is requested and again when it is approved.

Each check returns `Issue`s, one per affected occurrence date, so the error can
list every date and why. A constant number of queries whatever the number of
occurrences: opening hours, closures, insurance and clashes are each fetched
once for the whole range.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from bookings import conflicts
from bookings.compliance import insured_days
from bookings.conflicts import Interval
from bookings.models import Slot
from hub.calendar_dates import closed_days

# Lettings lie inside one day's opening hours; buffers are minutes. So a
# slot's buffered range is always shorter than this.
MAX_SLOT_SPAN = dt.timedelta(days=1)


@dataclass(frozen=True)
class Occ:
    """One occurrence being checked: aware start/end and buffered range."""

    start: dt.datetime
    end: dt.datetime
    buffered_start: dt.datetime
    buffered_end: dt.datetime


@dataclass(frozen=True)
class Issue:
    start: dt.datetime
    code: str
    message: str
    other_booking_id: int | None = None
    extra: dict = field(default_factory=dict)

    def as_detail(self, zone) -> dict:
        local = self.start.astimezone(zone)
        detail = {
            "date": local.date().isoformat(),
            "starts_at": local.isoformat(),
            "code": self.code,
            "message": f"{local:%a %-d %b %Y %H:%M}: {self.message}",
        }
        if self.other_booking_id:
            detail["booking_id"] = self.other_booking_id
        return detail


def occurrence_issues(
    *,
    room,
    partner,
    occs: list[Occ],
    exclude_booking_id=None,
    exclude_slot_id=None,
    clashes: list | None = None,
) -> list[Issue]:
    """Every per-date problem: past, opening hours, closure, insurance, clash
    (`clashes` when the caller has already found them: clash_issues)."""
    if not occs:
        return []
    if clashes is None:
        clashes = _clashes(room, occs, exclude_booking_id, exclude_slot_id)
    issues = (
        _past(occs)
        + _opening_hours(room, occs)
        + _closures(room, occs)
        + _insurance(room, partner, occs)
        + clashes
    )
    return sorted(issues, key=lambda i: i.start)


def clash_issues(*, room, occs: list[Occ], exclude_booking_id=None) -> list[Issue]:
    """Only the clashes with approved slots (one query)."""
    return _clashes(room, occs, exclude_booking_id) if occs else []


def _past(occs: list[Occ]) -> list[Issue]:
    now = timezone.now()
    return [
        Issue(o.start, "past", "this time has already passed.")
        for o in occs
        if o.start <= now
    ]


def _opening_hours(room, occs: list[Occ]) -> list[Issue]:
    zone = room.site.zoneinfo
    hours = {h.weekday: h for h in room.site.opening_hours.all()}
    issues = []
    for o in occs:
        start, end = o.start.astimezone(zone), o.end.astimezone(zone)
        opening = hours.get(start.weekday())
        if opening is None:
            issues.append(
                Issue(
                    o.start,
                    "closed_day",
                    "the site is not open to the community that day.",
                )
            )
        elif (
            start.date() != end.date()
            or start.time() < opening.opens_at
            or end.time() > opening.closes_at
        ):
            issues.append(
                Issue(
                    o.start,
                    "outside_hours",
                    f"outside community opening hours ({opening.opens_at:%H:%M}-{opening.closes_at:%H:%M}).",
                )
            )
    return issues


def _local_days(room, occs: list[Occ]) -> list[dt.date]:
    zone = room.site.zoneinfo
    return [o.start.astimezone(zone).date() for o in occs]


def _closures(room, occs: list[Occ]) -> list[Issue]:
    days = _local_days(room, occs)
    closed = closed_days(room.site, min(days), max(days))
    return [
        Issue(o.start, "closure", f"the site is closed ({closed[d]}).")
        for o, d in zip(occs, days, strict=True)
        if d in closed
    ]


def _insurance(room, partner, occs: list[Occ]) -> list[Issue]:
    days = _local_days(room, occs)
    insured = insured_days(partner=partner, days=days)
    return [
        Issue(
            o.start,
            "insurance",
            f"{partner.name} has no valid public liability insurance on this date.",
        )
        for o, d in zip(occs, days, strict=True)
        if d not in insured
    ]


def active_slots_overlapping(
    *, room, occs: list[Occ], exclude_booking_id=None, exclude_slot_id=None
):
    """Approved (active) slots of `room` whose buffered range overlaps any of
    `occs`, each with `booking_title`. One query that returns only the
    clashing rows.

    Raw SQL because it runs under the room lock on every request and approval:
    building the same OR of ~40 ranges through Q objects costs more than the
    query itself. Each term carries a lower bound that is implied (a slot never
    spans a day) but lets the (room, buffered_start) index answer it with a
    narrow range scan (SQLite: MULTI-INDEX OR; PostgreSQL: BitmapOr).
    """
    term = "(s.room_id = %s AND s.buffered_start < %s AND s.buffered_start > %s AND s.buffered_end > %s)"
    adapt = connection.ops.adapt_datetimefield_value
    params: list = [exclude_booking_id or 0, exclude_slot_id or 0]
    for o in occs:
        params += [
            room.pk,
            adapt(o.buffered_end),
            adapt(o.buffered_start - MAX_SLOT_SPAN),
            adapt(o.buffered_start),
        ]
    sql = (
        "SELECT s.*, b.title AS booking_title FROM bookings_slot s "
        "JOIN bookings_booking b ON b.id = s.booking_id "
        f"WHERE s.is_active AND s.booking_id <> %s AND s.id <> %s AND ({' OR '.join([term] * len(occs))})"
    )
    return list(Slot.objects.raw(sql, params))


def _clashes(
    room, occs: list[Occ], exclude_booking_id, exclude_slot_id=None
) -> list[Issue]:
    existing = [
        Interval(s.buffered_start, s.buffered_end, s)
        for s in active_slots_overlapping(
            room=room,
            occs=occs,
            exclude_booking_id=exclude_booking_id,
            exclude_slot_id=exclude_slot_id,
        )
    ]
    new = [Interval(o.buffered_start, o.buffered_end, o) for o in occs]
    return [
        Issue(
            a.ref.start,
            "clash",
            f"clashes with \u201c{b.ref.booking_title}\u201d (booking {b.ref.booking_id}) "
            f"{_hm(b.ref.starts_at, room)}-{_hm(b.ref.ends_at, room)}, including set-up and clear-down.",
            other_booking_id=b.ref.booking_id,
        )
        for a, b in conflicts.clashes(new, existing)
    ]


def _hm(value: dt.datetime, room) -> str:
    return f"{value.astimezone(room.site.zoneinfo):%H:%M}"


def sibling_issues(*, occ: Occ, siblings: list[Occ]) -> list[Issue]:
    """A moved date must not overlap the booking's own other dates (approved or
    not: they become active together on approval)."""
    mine = Interval(occ.buffered_start, occ.buffered_end)
    return [
        Issue(occ.start, "clash", "overlaps another date of this same booking.")
        for other in siblings
        if conflicts.overlaps(mine, Interval(other.buffered_start, other.buffered_end))
    ][:1]
