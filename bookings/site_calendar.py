"""A site's bookings calendar for its managers and staff: who has which room
when, for a day, a week or a month. Rooms are columns and time runs down (an
hour a row for a day, a day a row for a week or a month). Pending requests are
shown beside approved lettings so a manager sees what is coming. A constant
number of queries: the rooms, the opening hours and one slot query.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from bookings.models import Booking, Slot
from hub.calendar_dates import local_day_bounds

VIEWS = ("day", "week", "month")
DEFAULT_HOURS = (8, 22)  # when the site has no opening hours that day


@dataclass(frozen=True)
class Period:
    view: str
    first: dt.date
    last: dt.date
    previous: dt.date
    next: dt.date

    @property
    def days(self) -> list[dt.date]:
        count = (self.last - self.first).days + 1
        return [self.first + dt.timedelta(days=i) for i in range(count)]


def period_for(view: str, day: dt.date) -> Period:
    """The day, the Monday-to-Sunday week or the calendar month holding `day`."""
    if view == "day":
        one = dt.timedelta(days=1)
        return Period(view, day, day, day - one, day + one)
    if view == "week":
        monday = day - dt.timedelta(days=day.weekday())
        week = dt.timedelta(days=7)
        return Period(
            view, monday, monday + dt.timedelta(days=6), monday - week, monday + week
        )
    first = day.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return Period(view, first, last, previous, last + dt.timedelta(days=1))


@dataclass(frozen=True)
class Entry:
    """One booked date: local (naive) times for display, and its booking."""

    slot: Slot
    start: dt.datetime
    end: dt.datetime

    @property
    def booking(self) -> Booking:
        return self.slot.booking

    @property
    def pending(self) -> bool:
        return self.slot.booking.status == Booking.Status.PENDING


@dataclass
class Row:
    """One row of the grid: an hour of a day, or a whole day."""

    day: dt.date
    hour: int | None
    cells: list[list[Entry]] = field(default_factory=list)  # one per room

    @property
    def is_empty(self) -> bool:
        return not any(self.cells)


@dataclass
class SiteCalendar:
    period: Period
    rooms: list
    rows: list[Row]
    by_day: dict[dt.date, list[tuple[object, Entry]]]  # the phone list

    @property
    def count(self) -> int:
        return sum(len(entries) for entries in self.by_day.values())


def calendar_slots(*, site, first: dt.date, last: dt.date) -> list[Slot]:
    """Dates that run or may run: planned slots of approved and pending
    bookings at `site` between local days `first` and `last`. One query."""
    start, _ = local_day_bounds(first, site)
    _, end = local_day_bounds(last, site)
    return list(
        Slot.objects.filter(
            room__site=site,
            state=Slot.State.PLANNED,
            booking__status__in=[Booking.Status.APPROVED, Booking.Status.PENDING],
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("booking__partner")
        .order_by("starts_at", "room_id")
    )


def site_calendar(*, site, period: Period) -> SiteCalendar:
    zone = site.zoneinfo
    rooms = list(site.rooms.order_by("name"))
    column = {room.pk: i for i, room in enumerate(rooms)}
    entries = [
        Entry(
            s,
            s.starts_at.astimezone(zone).replace(tzinfo=None),
            s.ends_at.astimezone(zone).replace(tzinfo=None),
        )
        for s in calendar_slots(site=site, first=period.first, last=period.last)
    ]
    if period.view == "day":
        rows = _hour_rows(site, period.first, entries)
    else:
        rows = [Row(day, None) for day in period.days]
    index = {(row.day, row.hour): row for row in rows}
    for row in rows:
        row.cells = [[] for _ in rooms]
    by_day: dict[dt.date, list] = {day: [] for day in period.days}
    rooms_by_id = {room.pk: room for room in rooms}
    for entry in entries:
        day = entry.start.date()
        hour = entry.start.hour if period.view == "day" else None
        row = index.get((day, hour))
        if row is not None:
            row.cells[column[entry.slot.room_id]].append(entry)
        if day in by_day:
            by_day[day].append((rooms_by_id[entry.slot.room_id], entry))
    return SiteCalendar(period, rooms, rows, by_day)


def _hour_rows(site, day: dt.date, entries: list[Entry]) -> list[Row]:
    """An hour a row, covering the opening hours and every booking that day."""
    hours = {h.weekday: h for h in site.opening_hours.all()}
    opening = hours.get(day.weekday())
    first, last = (
        (
            opening.opens_at.hour,
            opening.closes_at.hour - (opening.closes_at.minute == 0),
        )
        if opening
        else (DEFAULT_HOURS[0], DEFAULT_HOURS[1] - 1)
    )
    for entry in entries:
        if entry.start.date() == day:
            first = min(first, entry.start.hour)
            last = max(last, entry.start.hour)
    return [Row(day, hour) for hour in range(first, last + 1)]
