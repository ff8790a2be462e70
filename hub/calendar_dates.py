"""Calendar-date helpers: bank holidays, term and holiday lookups, local-day bounds.

Each rule is written once, for many sites at a time (`*_by_site`, one query
whatever the number of sites: the room finder); the one-site functions
(`closed_days`, `holiday_days`, `terms_between`) ask the same with one site.

Bank holidays for England and Wales come from the file that the
govuk-bank-holidays package ships; nothing is fetched at run time.
"""

import datetime as dt
from functools import cache

from django.db.models import Q
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


def terms_between(site: Site, start: dt.date, end: dt.date) -> list[Term]:
    return terms_by_site([site], start, end)[site.pk]


def holidays_between(site: Site, start: dt.date, end: dt.date) -> list[Holiday]:
    return list(_periods(Holiday, [site], start, end))


def closed_days(site: Site, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """{date: reason} for every day in [start, end] (inclusive) the site is shut:
    its closures and, if it closes on them, bank holidays."""
    return closed_days_by_site([site], start, end)[site.pk]


def holiday_days(site: Site, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """{date: holiday name} for school-holiday days in [start, end] (inclusive)."""
    return holiday_days_by_site([site], start, end)[site.pk]


# Many sites at once (the room finder): one query each, whatever the number of
# sites, with the same rules as the one-site functions above, which use them.


def terms_by_site(sites, start: dt.date, end: dt.date) -> dict[int, list[Term]]:
    """{site id: [terms overlapping [start, end], earliest first]}: the site's
    own terms and its trust's."""
    found: dict[int, list[Term]] = {site.pk: [] for site in sites}
    for term in _periods(Term, sites, start, end):
        for site_id in _applies_to(sites, term):
            found[site_id].append(term)
    return found


def holiday_days_by_site(
    sites, start: dt.date, end: dt.date
) -> dict[int, dict[dt.date, str]]:
    """{site id: {date: holiday name}} for school-holiday days in [start, end]."""
    found: dict[int, dict[dt.date, str]] = {site.pk: {} for site in sites}
    for holiday in _periods(Holiday, sites, start, end):
        for site_id in _applies_to(sites, holiday):
            found[site_id].update(
                dict.fromkeys(_days_within(holiday, start, end), holiday.name)
            )
    return found


def closed_days_by_site(
    sites, start: dt.date, end: dt.date
) -> dict[int, dict[dt.date, str]]:
    """{site id: {date: reason}} for every day in [start, end] (inclusive) each
    site is shut: its closures and, if it closes on them, bank holidays."""
    bank = {
        day: f"Bank holiday: {title}"
        for day, title in bank_holidays_england_and_wales().items()
        if start <= day <= end
    }
    found = {
        site.pk: dict(bank) if site.closed_on_bank_holidays else {} for site in sites
    }
    closures = Closure.objects.filter(
        site_id__in=found, starts_on__lte=end, ends_on__gte=start
    ).order_by("starts_on", "pk")
    for closure in closures:
        found[closure.site_id].update(
            dict.fromkeys(_days_within(closure, start, end), closure.reason)
        )
    return found


def _periods(model, sites, start: dt.date, end: dt.date):
    """Terms or holidays of `sites` (their own and their trusts') overlapping
    [start, end], earliest first."""
    trusts = {site.trust_id for site in sites if site.trust_id}
    return model.objects.filter(
        Q(site_id__in=[site.pk for site in sites]) | Q(trust_id__in=trusts),
        starts_on__lte=end,
        ends_on__gte=start,
    ).order_by("starts_on", "pk")


def _applies_to(sites, period) -> list[int]:
    """The ids of `sites` a term, holiday or closure row applies to."""
    if period.site_id:
        return [period.site_id]
    return [site.pk for site in sites if site.trust_id == period.trust_id]


def _days_within(period, start: dt.date, end: dt.date):
    """Each day of `period` (starts_on..ends_on, inclusive) inside [start, end]."""
    day = max(period.starts_on, start)
    while day <= min(period.ends_on, end):
        yield day
        day += dt.timedelta(days=1)
