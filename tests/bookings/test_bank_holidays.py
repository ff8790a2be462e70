"""Bank holidays for England and Wales come from the govuk-bank-holidays
package's bundled file (no network) and close the school unless it opts out."""

import datetime as dt

from bookings.models import Slot
from hub.calendar_dates import bank_holidays_england_and_wales
from tests.bookings.conftest import weekly


def test_bundled_bank_holidays_include_substitute_days():
    holidays = bank_holidays_england_and_wales()
    assert holidays[dt.date(2026, 12, 25)] == "Christmas Day"
    # 26 December 2026 is a Saturday: the bank holiday moves to Monday 28th.
    assert holidays[dt.date(2026, 12, 28)] == "Boxing Day"
    assert dt.date(2026, 12, 26) not in holidays


def test_a_weekly_series_skips_a_bank_holiday(request_booking):
    booking = request_booking(
        first_day=dt.date(2026, 12, 21), recurrence=weekly(until=dt.date(2027, 1, 4))
    )
    planned = sorted(
        s.starts_at.date() for s in booking.slots.filter(state=Slot.State.PLANNED)
    )
    skipped = {
        s.starts_at.date(): s.note
        for s in booking.slots.filter(state=Slot.State.SKIPPED)
    }
    assert planned == [dt.date(2026, 12, 21), dt.date(2027, 1, 4)]
    assert skipped == {dt.date(2026, 12, 28): "Closed: Bank holiday: Boxing Day"}


def test_a_school_open_on_bank_holidays_keeps_the_date(request_booking, site):
    site.closed_on_bank_holidays = False
    site.save(update_fields=["closed_on_bank_holidays"])
    booking = request_booking(
        first_day=dt.date(2026, 12, 21), recurrence=weekly(until=dt.date(2027, 1, 4))
    )
    assert booking.slots.filter(state=Slot.State.PLANNED).count() == 3
