"""The room finder: which bookable rooms, across every school, fit a pattern of
dates and times; how many of those dates are free, which are not and why; and
the price for the partner asking.

A constant number of queries whatever the number of rooms, schools or dates:
the rooms (and their features), opening hours, closures, terms and holidays,
the partner's insurance and ONE slot query (closures, terms and holidays for
all the schools at once through hub.calendar_dates' `*_by_site`); clashes are computed here in
Python with bookings.conflicts, with the same buffers, wall-clock rules and
prices as a request (bookings.services.checks, bookings.wallclock,
bookings.pricing), so what the finder calls free is what a request accepts.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from bookings import pricing, wallclock
from bookings.compliance import insured_days
from bookings.conflicts import Interval, clashes
from bookings.models import Slot
from bookings.scheduling import WEEKDAY_NAMES, Frequency
from hub.calendar_dates import (
    closed_days_by_site,
    holiday_days_by_site,
    terms_by_site,
)
from hub.errors import DomainError
from hub.models import OpeningHours, Room, Term

MAX_DAYS = 190  # about two school terms: at most 28 dates of one weekday
MAX_FEATURES = 10

FREE = ""


@dataclass(frozen=True)
class Search:
    """A pattern of local dates and times. `weekdays` 0 = Monday; empty means
    every day in [first_day, last_day]."""

    first_day: dt.date
    last_day: dt.date
    start: dt.time
    end: dt.time
    weekdays: tuple[int, ...] = ()
    people: int = 1
    features: tuple[str, ...] = ()  # RoomFeature slugs: the room has all of them
    area: str = ""  # a site's area, or a postcode district such as LS6
    term_time_only: bool = False

    def days(self) -> list[dt.date]:
        count = (self.last_day - self.first_day).days + 1
        every = (self.first_day + dt.timedelta(days=i) for i in range(count))
        return [d for d in every if not self.weekdays or d.weekday() in self.weekdays]


def search_dates(
    *, first_day: dt.date | None, last_day: dt.date | None, term_id: int | None
) -> tuple[dt.date, dt.date, bool]:
    """(first, last, term time only) from a date, a date range or a term.
    A term searches its dates in term time only. 400 naming the field."""
    if term_id:
        term = Term.objects.filter(pk=term_id).first()
        if term is None:
            raise DomainError(
                f"No term has id {term_id}. Choose a term from the list.", field="term"
            )
        return term.starts_on, term.ends_on, True
    if first_day is None:
        raise DomainError(
            "Enter the date (or first date), or choose a whole term.", field="first_day"
        )
    last_day = last_day or first_day
    if last_day < first_day:
        raise DomainError(
            "The last date must be on or after the first date.", field="last_day"
        )
    if (last_day - first_day).days >= MAX_DAYS:
        raise DomainError(
            f"Search at most {MAX_DAYS} days at a time: choose an earlier last date.",
            field="last_day",
        )
    return first_day, last_day, False


def check_times(start: dt.time, end: dt.time) -> None:
    if end <= start:
        raise DomainError(
            "The end time must be after the start time.", field="end_time"
        )


@dataclass(frozen=True)
class DateCheck:
    """One requested date in one room: its local times and what stops it."""

    day: dt.date
    start: dt.datetime | None  # aware, in the site's zone; None if no such time
    end: dt.datetime | None
    code: str = FREE  # "clash", "closure", "holiday", "insurance", ... or FREE
    reason: str = ""

    @property
    def is_free(self) -> bool:
        return self.code == FREE


@dataclass
class RoomResult:
    room: Room
    dates: list[DateCheck]
    total: pricing.Price  # for the free dates
    per_session: list[int] = field(default_factory=list)  # distinct pence, sorted

    @property
    def free(self) -> list[DateCheck]:
        return [d for d in self.dates if d.is_free]

    @property
    def not_free(self) -> list[DateCheck]:
        return [d for d in self.dates if not d.is_free]

    @property
    def free_count(self) -> int:
        return len(self.free)

    def requests(self, search: Search) -> list[tuple[str, dict]]:
        """(weekday label, booking-request query parameters) for each weekday
        with a free date: weekly from its first free date to its last."""
        by_weekday: dict[int, list[dt.date]] = {}
        for d in self.free:
            by_weekday.setdefault(d.day.weekday(), []).append(d.day)
        return [
            (WEEKDAY_NAMES[wd] + "s", _request_params(self.room, search, days))
            for wd, days in sorted(by_weekday.items())
        ]


def _request_params(room, search: Search, days: list[dt.date]) -> dict:
    params = {
        "room": room.pk,
        "first_day": days[0].isoformat(),
        "start_time": f"{search.start:%H:%M}",
        "end_time": f"{search.end:%H:%M}",
        "expected_attendees": search.people,
        "frequency": Frequency.ONCE,
    }
    if len(days) > 1:
        params |= {"frequency": Frequency.WEEKLY, "until": days[-1].isoformat()}
    if search.term_time_only:
        params["term_time_only"] = "on"
    return params


def room_search(*, search: Search, partner=None) -> list[RoomResult]:
    """Every bookable room matching `search`, best fit first: most free dates,
    then the smallest room that holds everyone, then the cheapest. Prices are
    `partner`'s (its rate band), or the full price without one."""
    rooms = list(_rooms(search))
    if not rooms:
        return []
    days = search.days()
    context = _Context.load(rooms, search, days, partner)
    results = [_room_result(room, search, days, context, partner) for room in rooms]
    results.sort(
        key=lambda r: (
            -r.free_count,
            r.room.capacity,
            r.total.pence,
            r.room.site.name,
            r.room.name,
        )
    )
    return results


def _rooms(search: Search):
    rooms = (
        Room.objects.filter(is_bookable=True, capacity__gte=search.people)
        .select_related("site")
        .prefetch_related("features")
    )
    for slug in search.features:
        rooms = rooms.filter(features__slug=slug)
    area = search.area.strip()
    if area:
        rooms = rooms.filter(
            Q(site__area__iexact=area)
            | Q(site__postcode__iexact=area)
            | Q(site__postcode__istartswith=f"{area} ")
        )
    return rooms.distinct()


@dataclass
class _Context:
    """Everything the checks need, fetched once for all rooms."""

    hours: dict[tuple[int, int], OpeningHours]  # (site_id, weekday)
    closed: dict[int, dict[dt.date, str]]  # site_id: {day: reason}
    holidays: dict[int, dict[dt.date, str]]
    terms: dict[int, list[Term]]
    slots: dict[int, list[Interval]]  # room_id: buffered ranges
    insured: set[dt.date] | None  # None: no partner, not checked
    now: dt.datetime

    @classmethod
    def load(cls, rooms, search: Search, days, partner) -> "_Context":
        sites = list({r.site_id: r.site for r in rooms}.values())
        first, last = search.first_day, search.last_day
        hours = OpeningHours.objects.filter(site_id__in=[s.pk for s in sites])
        term_time = search.term_time_only
        return cls(
            hours={(h.site_id, h.weekday): h for h in hours},
            closed=closed_days_by_site(sites, first, last),
            holidays=holiday_days_by_site(sites, first, last) if term_time else {},
            terms=terms_by_site(sites, first, last) if term_time else {},
            slots=_slots(rooms, first, last),
            insured=_insured(partner, days),
            now=timezone.now(),
        )


def _slots(rooms, first: dt.date, last: dt.date) -> dict[int, list[Interval]]:
    """Approved (active) slots of the rooms in the window: one query. A day
    either side covers every zone's local days."""
    lo = dt.datetime.combine(first - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    hi = dt.datetime.combine(last + dt.timedelta(days=2), dt.time.min, tzinfo=dt.UTC)
    rows = Slot.objects.filter(
        room_id__in=[r.pk for r in rooms],
        is_active=True,
        buffered_start__lt=hi,
        buffered_end__gt=lo,
    ).values_list("room_id", "buffered_start", "buffered_end", "starts_at", "ends_at")
    found: dict[int, list[Interval]] = {}
    for room_id, b_start, b_end, start, end in rows:
        found.setdefault(room_id, []).append(Interval(b_start, b_end, (start, end)))
    return found


def _insured(partner, days) -> set[dt.date] | None:
    if partner is None or not days:
        return None
    return insured_days(partner=partner, days=days)


def _room_result(room, search, days, context: _Context, partner) -> RoomResult:
    checks = [_date_check(room, search, day, context) for day in days]
    checks = _with_clashes(room, checks, context.slots.get(room.pk, []))
    if context.insured is not None:
        checks = [_with_insurance(c, context.insured, partner) for c in checks]
    prices = [_price(room, partner, c) for c in checks if c.is_free]
    return RoomResult(
        room=room,
        dates=checks,
        total=pricing.total(prices),
        per_session=sorted({p.pence for p in prices}),
    )


def _date_check(room, search: Search, day: dt.date, context: _Context) -> DateCheck:
    """Everything but clashes and insurance, for one date in one room."""
    site, zone = room.site, room.site.zoneinfo
    naive_start = dt.datetime.combine(day, search.start)
    naive_end = dt.datetime.combine(day, search.end)
    problem = wallclock.problem(naive_start, zone) or wallclock.problem(naive_end, zone)
    if problem:
        return DateCheck(day, None, None, "time", problem)
    start, end = wallclock.aware(naive_start, zone), wallclock.aware(naive_end, zone)
    code, reason = _day_problem(site, search, day, start, end, context)
    return DateCheck(day, start, end, code, reason)


def _day_problem(site, search, day, start, end, context: _Context) -> tuple[str, str]:
    if start <= context.now:
        return "past", "This time has already passed."
    if day in context.closed[site.pk]:
        return "closure", f"Closed: {context.closed[site.pk][day]}."
    if search.term_time_only:
        if day in context.holidays[site.pk]:
            return "holiday", f"School holiday: {context.holidays[site.pk][day]}."
        if not any(t.contains(day) for t in context.terms[site.pk]):
            return "holiday", "Not in term time at this school."
    hours = context.hours.get((site.pk, day.weekday()))
    if hours is None:
        return "closed_day", "Not open to the community that day."
    if start.time() < hours.opens_at or end.time() > hours.closes_at:
        return (
            "outside_hours",
            f"Open to the community {hours.opens_at:%H:%M} to {hours.closes_at:%H:%M}.",
        )
    return FREE, ""


def _with_clashes(room, checks: list[DateCheck], existing: list[Interval]):
    """Mark free dates whose buffered range overlaps an approved slot."""
    setup = dt.timedelta(minutes=room.setup_buffer_minutes)
    cleardown = dt.timedelta(minutes=room.cleardown_buffer_minutes)
    wanted = [
        Interval(c.start - setup, c.end + cleardown, c) for c in checks if c.is_free
    ]
    zone = room.site.zoneinfo
    clashing: dict[dt.date, str] = {}
    for new, old in clashes(wanted, existing):
        start, end = (t.astimezone(zone) for t in old.ref)
        clashing.setdefault(
            new.ref.day,
            f"Already booked {start:%H:%M} to {end:%H:%M} (with set-up and clear-down).",
        )
    return [
        DateCheck(c.day, c.start, c.end, "clash", clashing[c.day])
        if c.is_free and c.day in clashing
        else c
        for c in checks
    ]


def _with_insurance(check: DateCheck, insured: set[dt.date], partner) -> DateCheck:
    if not check.is_free or check.day in insured:
        return check
    reason = f"{partner.name} has no valid public liability insurance on this date."
    return DateCheck(check.day, check.start, check.end, "insurance", reason)


def _price(room, partner, check: DateCheck) -> pricing.Price:
    zone = room.site.zoneinfo
    if partner is not None:
        return pricing.occurrence_price(
            room=room, partner=partner, start=check.start, end=check.end, zone=zone
        )
    full = pricing.round_pence(
        pricing.full_price(room=room, start=check.start, end=check.end, zone=zone)
    )
    return pricing.Price(pence=full, full_pence=full)
