"""Dates as people read them: "7 January 2025" (GOV.UK style), one format for
the whole site. Templates use ``{% load dates %}{{ day|in_words }}``; Python
text shown to people (messages, emails) uses `in_words`. Machine values (form
inputs, ICS, CSV, the API) stay ISO 8601.
"""

from __future__ import annotations

import datetime as dt

DATE_IN_WORDS = "%-d %B %Y"  # 7 January 2025


def in_words(value) -> str:
    """`value` (a date, a datetime already in local time, or an ISO date
    string) as "7 January 2025"; anything else unchanged, as text."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)


def list_in_words(values) -> str:
    """Dates sorted and in words: "5 January 2027, 12 January 2027"."""
    days = sorted(
        {dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values}
    )
    return ", ".join(in_words(d) for d in days)
