"""Bar charts drawn with HTML and CSS: each bar carries its own text, so the
chart reads as a list to a screen reader and prints without JavaScript.
Pages show the full table beside it (templates/includes/bar_chart.html)."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: float  # of the largest bar in the chart, 0-100
    text: str  # the value as people read it, e.g. "£120.00"


def bar_chart(items: Iterable[tuple[str, int]], *, fmt=str) -> list[Bar]:
    """Bars for (label, value) pairs, scaled to the largest value."""
    items = list(items)
    top = max((value for _, value in items), default=0) or 1
    return [
        Bar(label, value, round(100 * value / top, 1), fmt(value))
        for label, value in items
    ]
