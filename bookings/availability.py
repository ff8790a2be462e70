"""Free windows for a room or a whole site over a date range.

A free window is a stretch inside community opening hours, on a day the site
is open, where a letting could run: the approved slots' buffered ranges are
blocked, widened by this room's own set-up and clear-down buffers so that a
letting placed inside a free window never clashes. A constant number of
queries whatever the number of rooms, days or slots.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from bookings.conflicts import Interval, subtract
from bookings.models import Slot
from hub.calendar_dates import closed_days

MAX_DAYS = 31


@dataclass
class DayAvailability:
    day: dt.date
    closed_reason: str = ""
    past: bool = False
    opening: Interval | None = None
    free: list[Interval] = field(default_factory=list)
    busy: list[Interval] = field(default_factory=list)


@dataclass
class RoomAvailability:
    room: object
    days: list[DayAvailability]


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def site_availability(
    *, site, rooms, start: dt.date, end: dt.date
) -> list[RoomAvailability]:
    """Availability of `rooms` (all of one site) for days [start, end] inclusive."""
    zone = site.zoneinfo
    hours = {h.weekday: h for h in site.opening_hours.all()}
    closed = closed_days(site, start, end)
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    slots = Slot.objects.filter(
        room__in=[r.pk for r in rooms],
        is_active=True,
        buffered_start__lt=hi,
        buffered_end__gt=lo,
    ).values_list("room_id", "buffered_start", "buffered_end", "starts_at", "ends_at")
    by_room: dict[int, list] = {}
    for room_id, bs, be, s, e in slots:
        by_room.setdefault(room_id, []).append((bs, be, s, e))
    days = days_between(start, end)
    now = _next_quarter_hour(timezone.now())
    return [
        RoomAvailability(
            room,
            [
                _day(room, d, hours, closed, by_room.get(room.pk, []), zone, now)
                for d in days
            ],
        )
        for room in rooms
    ]


def _next_quarter_hour(value: dt.datetime) -> dt.datetime:
    """Free time in the past cannot be booked: windows start from here."""
    value = value.replace(second=0, microsecond=0)
    return value + dt.timedelta(minutes=-value.minute % 15)


def _day(room, day, hours, closed, slots, zone, now) -> DayAvailability:
    if day in closed:
        return DayAvailability(day, closed_reason=closed[day])
    opening = hours.get(day.weekday())
    if opening is None:
        return DayAvailability(day, closed_reason="Not open to the community")
    window = Interval(
        max(dt.datetime.combine(day, opening.opens_at, tzinfo=zone), now),
        dt.datetime.combine(day, opening.closes_at, tzinfo=zone),
    )
    if window.end <= window.start:
        return DayAvailability(day, past=True)
    setup = dt.timedelta(minutes=room.setup_buffer_minutes)
    cleardown = dt.timedelta(minutes=room.cleardown_buffer_minutes)
    blocked = [Interval(bs - cleardown, be + setup) for bs, be, _s, _e in slots]
    busy = [
        Interval(s.astimezone(zone), e.astimezone(zone))
        for _bs, _be, s, e in slots
        if s < window.end and e > window.start
    ]
    free = [
        Interval(i.start.astimezone(zone), i.end.astimezone(zone))
        for i in subtract(window, blocked)
    ]
    return DayAvailability(
        day,
        opening=window,
        free=[f for f in free if f.end - f.start >= dt.timedelta(minutes=30)],
        busy=busy,
    )
