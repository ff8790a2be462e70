"""Local wall-clock times in a site's zone: turning a date and a time of day
into an instant, and refusing the ones that do not exist or happen twice."""

import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.UTC


def is_missing(naive: dt.datetime, zone: ZoneInfo) -> bool:
    """True inside the spring-forward gap (e.g. 01:30 on the last Sunday of March)."""
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive


def is_ambiguous(naive: dt.datetime, zone: ZoneInfo) -> bool:
    """True in the autumn hour that happens twice."""
    first = naive.replace(tzinfo=zone, fold=0).utcoffset()
    second = naive.replace(tzinfo=zone, fold=1).utcoffset()
    return first != second


def problem(naive: dt.datetime, zone: ZoneInfo) -> str | None:
    """A plain-English reason this local time cannot be booked, or None."""
    when = f"{naive:%H:%M} on {naive:%-d %B %Y} in {zone.key}"
    if is_missing(naive, zone):
        return f"There is no {when}: the clocks go forward. Choose another time."
    if is_ambiguous(naive, zone):
        return (
            f"{when} happens twice: the clocks go back. "
            "Choose a time outside 01:00-02:00 that night."
        )
    return None


def aware(naive: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Attach the zone. Callers have already rejected gaps and folds."""
    return naive.replace(tzinfo=zone)


def local_date(value: dt.datetime, zone: ZoneInfo) -> dt.date:
    return value.astimezone(zone).date()
