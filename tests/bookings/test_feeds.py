import datetime as dt

from django.urls import reverse
from icalendar import Calendar

from bookings.services import booking_approve, booking_cancel, booking_occurrence_move
from tests.bookings.conftest import LONDON, weekly


def test_ical_is_one_rrule_with_exdates_and_a_moved_date(
    client, request_booking, manager, partner_user
):
    booking = request_booking(recurrence=weekly(until=dt.date(2026, 11, 10)))
    booking_approve(booking=booking, approved_by=manager)
    slots = list(booking.slots.order_by("starts_at"))
    booking_cancel(booking=booking, cancelled_by=partner_user, slot_id=slots[1].pk)
    booking_occurrence_move(
        booking=booking,
        slot_id=slots[2].pk,
        moved_by=partner_user,
        day=dt.date(2026, 9, 23),
        start=dt.time(18),
        end=dt.time(20),
    )
    client.force_login(partner_user)
    response = client.get(reverse("bookings:ical", args=[booking.pk]))
    cal = Calendar.from_ical(response.content)
    events = cal.events
    series = next(e for e in events if "RRULE" in e)
    assert series.start == dt.datetime(2026, 9, 8, 18, tzinfo=LONDON)
    assert series["RRULE"]["BYDAY"] == ["TU"]
    listed = (
        series["EXDATE"] if isinstance(series["EXDATE"], list) else [series["EXDATE"]]
    )
    exdates = [d.dt for exdate in listed for d in exdate.dts]
    assert dt.datetime(2026, 9, 15, 18, tzinfo=LONDON) in exdates
    moved = next(e for e in events if "RECURRENCE-ID" in e)
    assert moved.start == dt.datetime(2026, 9, 23, 18, tzinfo=LONDON)
    assert cal.timezones[0].tz_name == "Europe/London"
    assert b"BEGIN:VTIMEZONE" in response.content


def test_ical_is_private(client, request_booking, other_partner_user):
    booking = request_booking()
    client.force_login(other_partner_user)
    assert client.get(reverse("bookings:ical", args=[booking.pk])).status_code == 404
