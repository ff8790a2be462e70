"""The period a report covers: a term, a school year or any range of dates.

Dates are calendar days, inclusive, read in the display time zone
(settings.DISPLAY_TIME_ZONE): a report "from 1 September to 31 August" counts
sessions that start from midnight on 1 September to midnight after 31 August,
London time. The one rule for every caller (page, download, API).
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from hub.errors import DomainError
from hub.models import Term

MAX_DAYS = 3 * 366  # at most three years


@dataclass(frozen=True)
class Period:
    starts_on: dt.date
    ends_on: dt.date  # inclusive
    label: str

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware [start, end) instants of the period in the display zone."""
        zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
        end = self.ends_on + dt.timedelta(days=1)
        return (
            dt.datetime.combine(self.starts_on, dt.time.min, tzinfo=zone),
            dt.datetime.combine(end, dt.time.min, tzinfo=zone),
        )

    def days(self):
        day = self.starts_on
        while day <= self.ends_on:
            yield day
            day += dt.timedelta(days=1)


def school_year(start_year: int) -> Period:
    return Period(
        dt.date(start_year, 9, 1),
        dt.date(start_year + 1, 8, 31),
        f"School year {start_year} to {start_year + 1}",
    )


def current_school_year() -> Period:
    today = timezone.localdate(timezone=ZoneInfo(settings.DISPLAY_TIME_ZONE))
    return school_year(today.year if today.month >= 9 else today.year - 1)


def period_from(
    *,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    term: int | None = None,
    year: int | None = None,
) -> Period:
    """The period asked for; the current school year when nothing is asked.
    DomainError naming the field to fix otherwise."""
    ways = [term is not None, year is not None, bool(starts_on or ends_on)]
    if sum(ways) > 1:
        raise DomainError(
            "Choose one period: a term, a school year or dates from and to, "
            "not more than one.",
            field="term" if term is not None else "year",
        )
    if term is not None:
        found = Term.objects.filter(pk=term).first()
        if found is None:
            raise DomainError("No term has this id. Choose a term.", field="term")
        return Period(
            found.starts_on,
            found.ends_on,
            f"{found.name}, {_span(found.starts_on, found.ends_on)}",
        )
    if year is not None:
        return school_year(year)
    if starts_on or ends_on:
        return _dates(starts_on, ends_on)
    return current_school_year()


def _dates(starts_on, ends_on) -> Period:
    if starts_on is None:
        raise DomainError("Enter the first day of the report.", field="starts_on")
    if ends_on is None:
        raise DomainError("Enter the last day of the report.", field="ends_on")
    if ends_on < starts_on:
        raise DomainError(
            "The last day must be the same as or after the first day. "
            "Swap the dates or choose a later last day.",
            field="ends_on",
        )
    if (ends_on - starts_on).days >= MAX_DAYS:
        raise DomainError(
            "A report covers at most three years. Choose a later first day "
            "or an earlier last day.",
            field="ends_on",
        )
    return Period(starts_on, ends_on, _span(starts_on, ends_on))


def _span(first: dt.date, last: dt.date) -> str:
    return f"{first:%-d %B %Y} to {last:%-d %B %Y}"
