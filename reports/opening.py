"""Room hours open: the rooms a school lets, times the hours it is open to the
community, on every day of a period it is not shut."""

from collections import defaultdict

from django.db.models import Count, Q

from hub.calendar_dates import bank_holidays_england_and_wales
from hub.models import Closure, OpeningHours
from reports.periods import Period


def room_minutes_open(*, sites, period: Period) -> dict[int, tuple[str, int]]:
    """{site id: (name, minutes)}: for each day of `period` (local calendar
    days) the site's opening hours that weekday, unless a closure or (if it
    closes on them) a bank holiday shuts it, times its bookable rooms.
    Three queries, whatever the number of sites and days."""
    rows = list(
        sites.annotate(bookable=Count("rooms", filter=Q(rooms__is_bookable=True)))
        .values("pk", "name", "bookable", "closed_on_bank_holidays")
        .order_by()
    )
    ids = [row["pk"] for row in rows]
    weekly: dict[int, dict[int, int]] = defaultdict(dict)
    for hours in OpeningHours.objects.filter(site_id__in=ids):
        weekly[hours.site_id][hours.weekday] = _minutes(hours)
    shut = _closed_days(ids, period)
    bank = set(bank_holidays_england_and_wales())
    result = {}
    for row in rows:
        days = weekly[row["pk"]]
        closed = shut[row["pk"]] | (bank if row["closed_on_bank_holidays"] else set())
        minutes = sum(
            days.get(day.weekday(), 0) for day in period.days() if day not in closed
        )
        result[row["pk"]] = (row["name"], minutes * row["bookable"])
    return result


def _minutes(hours: OpeningHours) -> int:
    """Wall-clock minutes from opening to closing."""
    opens = hours.opens_at.hour * 60 + hours.opens_at.minute
    closes = hours.closes_at.hour * 60 + hours.closes_at.minute
    return closes - opens


def _closed_days(site_ids, period: Period) -> dict[int, set]:
    shut: dict[int, set] = defaultdict(set)
    closures = Closure.objects.filter(
        site_id__in=site_ids,
        starts_on__lte=period.ends_on,
        ends_on__gte=period.starts_on,
    )
    for closure in closures:
        day = max(closure.starts_on, period.starts_on)
        while day <= min(closure.ends_on, period.ends_on):
            shut[closure.site_id].add(day)
            day = day.fromordinal(day.toordinal() + 1)
    return shut
