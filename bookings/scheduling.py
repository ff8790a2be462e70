"""The one adapter around django-scheduler (module ``schedule``).

Nothing else in the project imports ``schedule``. Rules:

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
from schedule.models import Event, Occurrence, Rule
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
            text = f"Monthly on the {NTH_NAMES[self.nth]} {day}"
        if self.until:
            return f"{text}, until {self.until:%-d %B %Y}"
        return f"{text}, {self.count} times"


def rule_params(recurrence: Recurrence) -> tuple[str, str]:
    """(frequency, params) for a schedule Rule, e.g. ("WEEKLY", "byweekday:TU;interval:2")."""
    code = WEEKDAY_CODES[recurrence.weekday]
    if recurrence.frequency == Frequency.WEEKLY:
        return "WEEKLY", f"byweekday:{code};interval:{recurrence.interval}"
    return "MONTHLY", f"byweekday:{code};bysetpos:{recurrence.nth};interval:1"


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


def event_create(
    *,
    calendar,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    last_end: dt.datetime,
    recurrence: Recurrence,
) -> Event:
    """Store the booking's recurrence as an Event (+ Rule), bounded by `last_end`.

    `start`/`end` are the first occurrence (aware); `last_end` the end of the
    last one, so ``end_recurring_period`` is never None.
    """
    rule = rule_get_or_create(recurrence=recurrence) if recurrence.repeats else None
    return Event.objects.create(
        calendar=calendar,
        title=title[:255],
        start=start,
        end=end,
        rule=rule,
        end_recurring_period=last_end,
    )


def event_occurrences(
    *, event: Event, zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime, bool]]:
    """(original_start, end, cancelled) of every occurrence, expanded in `zone`."""
    period = Period(
        [event],
        event.start,
        event.end_recurring_period + dt.timedelta(seconds=1),
        tzinfo=zone,
    )
    return [
        (_aware(o.original_start, zone), _aware(o.end, zone), o.cancelled)
        for o in period.get_occurrences()
    ]


def _aware(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """schedule returns pytz datetimes; hand back zoneinfo ones."""
    return value.astimezone(zone)


def occurrences_cancel(
    *, event: Event, spans: list[tuple[dt.datetime, dt.datetime]]
) -> None:
    """Record cancelled occurrences (by original start) as schedule Occurrences."""
    existing = set(
        Occurrence.objects.filter(
            event=event, original_start__in=[s for s, _ in spans]
        ).values_list("original_start", flat=True)
    )
    Occurrence.objects.filter(
        event=event, original_start__in=[s for s, _ in spans]
    ).update(cancelled=True)
    Occurrence.objects.bulk_create(
        Occurrence(
            event=event,
            title=event.title,
            start=start,
            end=end,
            original_start=start,
            original_end=end,
            cancelled=True,
        )
        for start, end in spans
        if start not in existing
    )


def occurrence_move(
    *,
    event: Event,
    original_start: dt.datetime,
    original_end: dt.datetime,
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    """Record one occurrence as moved: a schedule Occurrence keeps the original
    start (how it is matched to the rule) and holds the new times."""
    Occurrence.objects.update_or_create(
        event=event,
        original_start=original_start,
        defaults={
            "title": event.title,
            "start": start,
            "end": end,
            "original_end": original_end,
            "cancelled": False,
        },
    )


def ical_rrule(*, event: Event) -> dict | None:
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
