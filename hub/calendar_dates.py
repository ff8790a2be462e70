"""Calendar-date helpers: bank holidays, term and holiday lookups, local-day bounds.

Bank holidays for England and Wales come from the file that the
govuk-bank-holidays package ships; nothing is fetched at run time.
"""

import datetime as dt
from functools import cache

from govuk_bank_holidays.bank_holidays import BankHolidays

from hub.models import Closure, Holiday, Site, Term


@cache
def bank_holidays_england_and_wales() -> dict[dt.date, str]:
    """{date: title} from the package's bundled data (cached for the process)."""
    holidays = BankHolidays(use_cached_holidays=True).get_holidays(
        division=BankHolidays.ENGLAND_AND_WALES
    )
    return {h["date"]: h["title"] for h in holidays}


def local_day_bounds(day: dt.date, site: Site) -> tuple[dt.datetime, dt.datetime]:
    """Aware [start, end) of a calendar day in the site's zone (23 or 25 hours on
    clock-change days)."""
    tz = site.zoneinfo
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _periods_for_site(model, site: Site, start: dt.date, end: dt.date):
    own = model.objects.filter(site=site)
    shared = (
        model.objects.filter(trust_id=site.trust_id)
        if site.trust_id
        else model.objects.none()
    )
    return (own | shared).filter(starts_on__lte=end, ends_on__gte=start)


def terms_between(site: Site, start: dt.date, end: dt.date) -> list[Term]:
    return list(_periods_for_site(Term, site, start, end).order_by("starts_on"))


def holidays_between(site: Site, start: dt.date, end: dt.date) -> list[Holiday]:
    return list(_periods_for_site(Holiday, site, start, end).order_by("starts_on"))


def closed_days(site: Site, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """{date: reason} for every day in [start, end] (inclusive) the site is shut:
    its closures and, if it closes on them, bank holidays."""
    days: dict[dt.date, str] = {}
    if site.closed_on_bank_holidays:
        for day, title in bank_holidays_england_and_wales().items():
            if start <= day <= end:
                days[day] = f"Bank holiday: {title}"
    closures = Closure.objects.filter(site=site, starts_on__lte=end, ends_on__gte=start)
    for closure in closures:
        days.update(dict.fromkeys(_days_within(closure, start, end), closure.reason))
    return days


def holiday_days(site: Site, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """{date: holiday name} for school-holiday days in [start, end] (inclusive)."""
    days: dict[dt.date, str] = {}
    for holiday in holidays_between(site, start, end):
        days.update(dict.fromkeys(_days_within(holiday, start, end), holiday.name))
    return days


def _days_within(period, start: dt.date, end: dt.date):
    """Each day of `period` (starts_on..ends_on, inclusive) inside [start, end]."""
    day = max(period.starts_on, start)
    while day <= min(period.ends_on, end):
        yield day
        day += dt.timedelta(days=1)
