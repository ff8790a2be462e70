"""The one adapter around django-scheduler (module ``schedule``).

Nothing else in the project imports ``schedule`` (tests, benchmarks and hub
included). Slots (bookings.models.Slot) are the truth: conflicts,
availability, pricing and sheets read them. The schedule rows are derived from
them by ONE function, `schedule_sync(booking=...)`, which every service that
changes a booking's slots calls before it commits: the booking's Event (+ Rule)
holds the recurrence, and its Occurrence rows say which rule dates do not run
(cancelled) and which run at other times (moved), so the scheduler's
occurrences are exactly the booking's active slots. Rules:

* A recurrence is always bounded: every Event gets ``end_recurring_period``.
* Occurrences are always expanded with ``Period(..., tzinfo=<site zone>)``.
  Measured (tests/bookings/test_scheduling_dst.py): with the default
  ``tzinfo=pytz.utc`` a weekly 18:00 Europe/London series comes back at 17:00
  local after the October change; with the site zone it stays at 18:00.
* Rules are built by one function that validates them by constructing the
  dateutil rrule first.
* Occurrences are compared by ``original_start``, never by hash/``set()``.
"""

import datetime as dt
from dataclasses import dataclass
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.db.models import Q
from schedule.models import Calendar, Event, Occurrence, Rule
from schedule.periods import Period

MAX_OCCURRENCES = 100
WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKDAY_NAMES = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
]
NTH_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


class Frequency:
    ONCE = "once"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    CHOICES = [
        (ONCE, "Once"),
        (WEEKLY, "Weekly (or every few weeks)"),
        (MONTHLY, "Monthly, on a weekday (e.g. second Tuesday)"),
    ]


@dataclass(frozen=True)
class Recurrence:
    """How a booking repeats. `weekday` is 0 = Monday, taken from the first date.

    `nth` (1-4, or -1 for last) is only for monthly. Exactly one of `until`
    (a local date, inclusive) and `count` bounds a repeating booking.
    """

    frequency: str = Frequency.ONCE
    interval: int = 1
    weekday: int = 0
    nth: int | None = None
    until: dt.date | None = None
    count: int | None = None

    @property
    def repeats(self) -> bool:
        return self.frequency != Frequency.ONCE

    def summary(self) -> str:
        day = WEEKDAY_NAMES[self.weekday]
        if self.frequency == Frequency.ONCE:
            return "Once"
        if self.frequency == Frequency.WEEKLY:
            every = "Weekly" if self.interval == 1 else f"Every {self.interval} weeks"
            text = f"{every} on {day}"
        else:
            every = "Monthly" if self.interval == 1 else f"Every {self.interval} months"
            text = f"{every} on the {NTH_NAMES[self.nth]} {day}"
        if self.until:
            return f"{text}, until {self.until:%-d %B %Y}"
        return f"{text}, {self.count} times"


def rule_params(recurrence: Recurrence) -> tuple[str, str]:
    """(frequency, params) for a schedule Rule, e.g. ("WEEKLY", "byweekday:TU;interval:2").

    Every frequency honours `interval`: "second Tuesday every 2 months" is
    ("MONTHLY", "byweekday:TU;bysetpos:2;interval:2").
    """
    code = WEEKDAY_CODES[recurrence.weekday]
    every = f"interval:{recurrence.interval}"
    if recurrence.frequency == Frequency.WEEKLY:
        return "WEEKLY", f"byweekday:{code};{every}"
    return "MONTHLY", f"byweekday:{code};bysetpos:{recurrence.nth};{every}"


def rule_get_or_create(*, recurrence: Recurrence) -> Rule:
    """The shared Rule row for this pattern, validated by building the rrule."""
    frequency, params = rule_params(recurrence)
    rule = Rule(name=params[:32], description=recurrence.summary(), frequency=frequency)
    rule.params = params
    rrule.rrule(
        rule.rrule_frequency(),
        dtstart=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        count=1,
        **rule.get_params(),
    )  # raises ValueError on a bad rule
    existing = Rule.objects.filter(frequency=frequency, params=params).first()
    if existing:
        return existing
    rule.save()
    return rule


def local_starts(
    *, first_day: dt.date, start: dt.time, recurrence: Recurrence
) -> list[dt.datetime]:
    """Naive local start datetimes the rule yields (at most MAX_OCCURRENCES + 1).

    Naive on purpose: wall-clock times in the site zone, so 18:00 stays 18:00
    across clock changes. Callers attach the zone and check gaps/folds.
    """
    dtstart = dt.datetime.combine(first_day, start)
    if not recurrence.repeats:
        return [dtstart]
    frequency, params = rule_params(recurrence)
    rule = Rule(frequency=frequency, params=params)
    kwargs = rule.get_params()
    if recurrence.until:
        kwargs["until"] = dt.datetime.combine(recurrence.until, dt.time.max)
    else:
        kwargs["count"] = recurrence.count
    dates = rrule.rrule(rule.rrule_frequency(), dtstart=dtstart, **kwargs)
    return list(islice(dates, MAX_OCCURRENCES + 1))


def room_calendar(room) -> Calendar:
    """The room's django-scheduler Calendar, created the first time it is needed.

    On an unsaved room the calendar is attached but the room is not saved (the
    caller saves it); on a saved room the link is saved at once.
    """
    if room.calendar_id:
        return room.calendar
    base = f"room-{room.site.slug}-{room.slug}"
    slug, n = base, 1
    while Calendar.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    calendar = Calendar.objects.create(name=f"{room.name}, {room.site.name}", slug=slug)
    room.calendar = calendar
    if room.pk:
        type(room).objects.filter(pk=room.pk).update(calendar=calendar)
    return calendar


def schedule_sync(*, booking, recurrence: Recurrence | None = None) -> None:
    """Derive the booking's schedule rows from its slots (the truth).

    The first call (from booking_request, with `recurrence`) creates the Event
    (+ shared Rule) from the first and last slot; `end_recurring_period` is the
    last slot's end, so the recurrence is bounded. Every call then makes the
    Occurrence rows match the slots: a rule date whose slot is not active is a
    cancelled Occurrence; an active slot at other times than its rule date is a
    moved Occurrence; an active slot on its rule date needs no row. Must run in
    the transaction that changed the slots. Three to five queries.
    """
    slots = list(booking.slots.order_by("original_start"))
    if booking.event_id is None:
        _event_create(booking, slots, recurrence or Recurrence())
    event = booking.event
    length = event.end - event.start
    wanted = {s.original_start: _wanted(s, length) for s in slots}
    wanted = {start: w for start, w in wanted.items() if w is not None}
    stored = {o.original_start: o for o in Occurrence.objects.filter(event=event)}
    Occurrence.objects.filter(
        pk__in=[o.pk for start, o in stored.items() if start not in wanted]
    ).delete()
    changed = []
    for start, (new_start, new_end, cancelled) in wanted.items():
        occ = stored.get(start) or Occurrence(event=event, original_start=start)
        fields = {
            "title": event.title,
            "start": new_start,
            "end": new_end,
            "original_end": start + length,
            "cancelled": cancelled,
        }
        if occ.pk and all(getattr(occ, k) == v for k, v in fields.items()):
            continue
        for name, value in fields.items():
            setattr(occ, name, value)
        changed.append(occ)
    # Split before inserting: on PostgreSQL bulk_create sets the new rows'
    # pks, and updating them again would cost a CASE per row for nothing.
    new = [o for o in changed if o.pk is None]
    stale = [o for o in changed if o.pk]
    Occurrence.objects.bulk_create(new)
    Occurrence.objects.bulk_update(
        stale, ["title", "start", "end", "original_end", "cancelled"]
    )


def _wanted(slot, length: dt.timedelta):
    """(start, end, cancelled) the schedule must store for `slot`, or None."""
    if not slot.is_active:
        return (slot.original_start, slot.original_start + length, True)
    if (
        slot.starts_at != slot.original_start
        or slot.ends_at != slot.original_start + length
    ):
        return (slot.starts_at, slot.ends_at, False)
    return None


def _event_create(booking, slots: list, recurrence: Recurrence) -> None:
    first, last = slots[0], slots[-1]
    rule = rule_get_or_create(recurrence=recurrence) if recurrence.repeats else None
    booking.event = Event.objects.create(
        calendar=room_calendar(booking.room),
        title=booking.title[:255],
        start=first.original_start,
        end=first.ends_at,
        rule=rule,
        end_recurring_period=last.ends_at,
    )
    type(booking).objects.filter(pk=booking.pk).update(event=booking.event)


@dataclass(frozen=True)
class ScheduledOccurrence:
    """One occurrence as django-scheduler expands it, in the site zone."""

    event_id: int
    original_start: dt.datetime
    start: dt.datetime
    end: dt.datetime
    cancelled: bool


def event_occurrences(
    *, event, zone: ZoneInfo | dt.tzinfo
) -> list[ScheduledOccurrence]:
    """Every occurrence of `event` (cancelled ones too), expanded in `zone`."""
    # Wide bounds: a moved date may lie outside the rule's own span.
    margin = dt.timedelta(days=400)
    return _expand([event], event.start - margin, _period_end(event) + margin, zone)


def room_occurrences_between(
    *, room, start: dt.datetime, end: dt.datetime
) -> list[ScheduledOccurrence]:
    """Running (not cancelled) occurrences on `room`'s calendar in [start, end),
    expanded in the site's zone: what the scheduler says happens in the room."""
    if not room.calendar_id:
        return []
    events = (
        Event.objects.filter(calendar_id=room.calendar_id, start__lt=end)
        .filter(
            Q(end_recurring_period__gte=start) | Q(end_recurring_period__isnull=True)
        )
        .select_related("rule")
    )
    found = _expand(list(events), start, end, room.site.zoneinfo)
    return [o for o in found if not o.cancelled]


def _expand(events, start, end, zone) -> list[ScheduledOccurrence]:
    period = Period(events, start, end, tzinfo=zone)
    return sorted(
        (
            ScheduledOccurrence(
                o.event.pk,
                o.original_start.astimezone(zone),
                o.start.astimezone(zone),
                o.end.astimezone(zone),
                o.cancelled,
            )
            for o in period.get_occurrences()
        ),
        key=lambda o: (o.start, o.event_id),
    )


def _period_end(event) -> dt.datetime:
    return event.end_recurring_period + dt.timedelta(seconds=1)


def ical_rrule(*, event) -> dict | None:
    """The event's rule as an iCalendar RRULE dict (None for a one-off),
    bounded by UNTIL = end_recurring_period in UTC."""
    if event.rule is None:
        return None
    params = dict(p.split(":") for p in event.rule.params.split(";") if ":" in p)
    rrule_dict = {
        "freq": event.rule.frequency.lower(),
        "interval": int(params.get("interval", 1)),
        "byday": params["byweekday"],
        "until": event.end_recurring_period.astimezone(dt.UTC),
    }
    if "bysetpos" in params:
        rrule_dict["bysetpos"] = int(params["bysetpos"])
    return rrule_dict
