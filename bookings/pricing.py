"""Room-hire prices, in integer pence.

Bands by local time of the letting: weekend (Saturday, Sunday), evening (from
17:00), daytime (before 17:00). A letting that spans 17:00 on a weekday pays
each part at its own rate. Fractions are Decimal and rounded once per
occurrence with ROUND_HALF_UP.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

EVENING_FROM = dt.time(17, 0)
MINUTES_PER_HOUR = Decimal(60)


def round_pence(amount: Decimal) -> int:
    """The one rounding helper: Decimal pence to int pence, half up."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Price:
    """In pence: what the partner pays and the full (undiscounted) price."""

    pence: int
    full_pence: int

    @property
    def social_value_pence(self) -> int:
        return self.full_pence - self.pence


def _minutes(start: dt.datetime, end: dt.datetime) -> Decimal:
    return Decimal(int((end - start).total_seconds()) // 60)


def full_price(
    *, room, start: dt.datetime, end: dt.datetime, zone: ZoneInfo
) -> Decimal:
    """Undiscounted price of one letting in Decimal pence."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.weekday() >= 5:
        return room.rate_weekend_pence * _minutes(start, end) / MINUTES_PER_HOUR
    evening = dt.datetime.combine(local_start.date(), EVENING_FROM, tzinfo=zone)
    day_end = min(max(evening, local_start), local_end)
    day_part = _minutes(local_start, day_end)
    evening_part = _minutes(day_end, local_end)
    return (
        room.rate_daytime_pence * day_part + room.rate_evening_pence * evening_part
    ) / MINUTES_PER_HOUR


def partner_factor(partner) -> Decimal:
    """Share of the full price the partner pays (1, 1 - discount, or 0)."""
    band = partner.rate_band
    if band == "member":
        return Decimal(0)
    if band == "charity":
        return (Decimal(100) - partner.charity_discount_percent) / Decimal(100)
    return Decimal(1)


def occurrence_price(
    *, room, partner, start: dt.datetime, end: dt.datetime, zone: ZoneInfo
) -> Price:
    full = full_price(room=room, start=start, end=end, zone=zone)
    return Price(
        pence=round_pence(full * partner_factor(partner)), full_pence=round_pence(full)
    )


def total(prices: list[Price]) -> Price:
    return Price(
        pence=sum(p.pence for p in prices), full_pence=sum(p.full_pence for p in prices)
    )


def format_pence(pence: int | None) -> str:
    """£1,234.50 (for emails; templates use the money filter)."""
    if pence is None:
        return ""
    return f"£{pence // 100:,}.{pence % 100:02d}"
