"""Pure interval logic, no ORM. All intervals are half-open [start, end),
the same convention as schedule.Period and the PostgreSQL tstzrange '[)'."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime
    ref: Any = None  # what the interval belongs to (a slot, a booking id...)


def overlaps(a: Interval, b: Interval) -> bool:
    return a.start < b.end and b.start < a.end


def clashes(
    new: list[Interval], existing: list[Interval]
) -> list[tuple[Interval, Interval]]:
    """Every (new, existing) pair that overlaps. Sweep over both lists sorted by
    start: O((n + m) log(n + m) + k), not n x m."""
    new_sorted = sorted(new, key=lambda i: i.start)
    old_sorted = sorted(existing, key=lambda i: i.start)
    found: list[tuple[Interval, Interval]] = []
    j = 0
    for a in new_sorted:
        while j < len(old_sorted) and old_sorted[j].end <= a.start:
            j += 1  # ended before `a`, so before every later `a` too
        k = j
        while k < len(old_sorted) and old_sorted[k].start < a.end:
            if overlaps(a, old_sorted[k]):
                found.append((a, old_sorted[k]))
            k += 1
    return found


def subtract(window: Interval, busy: list[Interval]) -> list[Interval]:
    """Parts of `window` not covered by any of `busy`, in order."""
    free: list[Interval] = []
    cursor = window.start
    for b in sorted(busy, key=lambda i: i.start):
        if b.end <= cursor or b.start >= window.end:
            continue
        if b.start > cursor:
            free.append(Interval(cursor, b.start))
        cursor = max(cursor, b.end)
    if cursor < window.end:
        free.append(Interval(cursor, window.end))
    return free
