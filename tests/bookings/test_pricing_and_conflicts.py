import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from bookings import pricing
from bookings.conflicts import Interval, clashes, overlaps, subtract
from tests.bookings.conftest import LONDON, london, weekly

ROOM = SimpleNamespace(
    rate_daytime_pence=2500, rate_evening_pence=3000, rate_weekend_pence=4000
)


def _partner(band="standard", discount=0):
    return SimpleNamespace(rate_band=band, charity_discount_percent=discount)


def _price(start, end, partner=None):
    return pricing.occurrence_price(
        room=ROOM, partner=partner or _partner(), start=start, end=end, zone=LONDON
    )


@pytest.mark.parametrize(
    ("start", "end", "pence"),
    [
        (london(2026, 9, 8, 18), london(2026, 9, 8, 20), 6000),  # evening
        (london(2026, 9, 8, 10), london(2026, 9, 8, 11, 30), 3750),  # daytime
        (london(2026, 9, 8, 16), london(2026, 9, 8, 18), 5500),  # spans 17:00
        (london(2026, 9, 12, 10), london(2026, 9, 12, 12), 8000),  # Saturday
        (london(2026, 11, 3, 18), london(2026, 11, 3, 20), 6000),  # evening in GMT too
    ],
)
def test_bands_by_local_time(start, end, pence):
    assert _price(start, end).pence == pence


def test_charity_discount_rounds_half_up_once():
    price = _price(
        london(2026, 9, 8, 18), london(2026, 9, 8, 18, 25), _partner("charity", 15)
    )
    # 25 min at £30/h = 1250p; 85% = 1062.5p -> 1063p
    assert (price.pence, price.full_pence) == (1063, 1250)


def test_member_is_free_and_records_social_value():
    price = _price(london(2026, 9, 8, 18), london(2026, 9, 8, 20), _partner("member"))
    assert (price.pence, price.social_value_pence) == (0, 6000)


def test_round_pence_is_half_up():
    assert pricing.round_pence(Decimal("2.5")) == 3
    assert pricing.round_pence(Decimal("3.5")) == 4
    assert pricing.format_pence(123456) == "£1,234.56"


def test_member_booking_stores_social_value_on_approval(
    request_booking, manager, partner
):
    from bookings.services import booking_approve

    partner.rate_band = "member"
    partner.save()
    booking = request_booking(recurrence=weekly(count=2))
    booking_approve(booking=booking, approved_by=manager)
    booking.refresh_from_db()
    assert (booking.quote_pence, booking.social_value_pence) == (0, 12000)


T = dt.datetime(2026, 9, 8, 18, tzinfo=dt.UTC)


def _i(a, b, ref=None):
    return Interval(T + dt.timedelta(minutes=a), T + dt.timedelta(minutes=b), ref)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 60), (60, 120), False),
        ((0, 61), (60, 120), True),
        ((10, 20), (0, 60), True),
        ((0, 10), (20, 30), False),
    ],
)
def test_overlaps_is_half_open(a, b, expected):
    assert overlaps(_i(*a), _i(*b)) is expected
    assert overlaps(_i(*b), _i(*a)) is expected


def test_clashes_finds_every_pair_including_long_intervals():
    new = [_i(0, 30, "n1"), _i(100, 130, "n2"), _i(200, 230, "n3")]
    old = [_i(-500, 110, "long"), _i(120, 125, "short"), _i(300, 400, "later")]
    found = {(a.ref, b.ref) for a, b in clashes(new, old)}
    assert found == {("n1", "long"), ("n2", "long"), ("n2", "short")}


def test_subtract_leaves_the_gaps():
    free = subtract(_i(0, 240), [_i(60, 120), _i(100, 150), _i(230, 300)])
    assert [(f.start, f.end) for f in free] == [
        (_i(0, 60).start, _i(0, 60).end),
        (_i(150, 230).start, _i(150, 230).end),
    ]
