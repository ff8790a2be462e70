"""Invariant 3: a weekly 18:00 Europe/London series stays at 18:00 local time
across the October and March clock changes, in the stored slots, the
schedule expansion and the API."""

import datetime as dt

from django.urls import reverse

from bookings.scheduling import event_occurrences
from tests.bookings.conftest import LONDON, london, weekly
from tests.factories import OpeningHours


def _open_sundays(site):
    OpeningHours.objects.create(
        site=site, weekday=6, opens_at=dt.time(9), closes_at=dt.time(21)
    )


def test_weekly_series_stays_at_18_local_across_both_changes(request_booking, room):
    booking = request_booking(
        first_day=dt.date(2026, 9, 8), recurrence=weekly(until=dt.date(2027, 4, 13))
    )
    slots = list(booking.slots.all())
    local_starts = {s.starts_at.astimezone(LONDON).time() for s in slots}
    assert local_starts == {dt.time(18, 0)}
    november = next(
        s
        for s in slots
        if s.starts_at.astimezone(LONDON).date() == dt.date(2026, 11, 3)
    )
    april = next(
        s for s in slots if s.starts_at.astimezone(LONDON).date() == dt.date(2027, 4, 6)
    )
    assert november.starts_at.astimezone(dt.UTC).hour == 18  # GMT
    assert april.starts_at.astimezone(dt.UTC).hour == 17  # BST


def test_occurrence_on_the_change_day_itself(request_booking, site):
    _open_sundays(site)
    booking = request_booking(
        first_day=dt.date(2026, 10, 18), recurrence=weekly(count=2)
    )  # Sundays: 18 Oct (BST) and 25 Oct 2026 (clocks go back that morning)
    starts = [s.starts_at for s in booking.slots.order_by("starts_at")]
    assert starts == [london(2026, 10, 18, 18), london(2026, 10, 25, 18)]
    assert starts[1] - starts[0] == dt.timedelta(days=7, hours=1)


def test_march_change_day(request_booking, site, time_machine):
    _open_sundays(site)
    time_machine.move_to(dt.datetime(2027, 3, 1, tzinfo=dt.UTC), tick=False)
    booking = request_booking(
        first_day=dt.date(2027, 3, 21), recurrence=weekly(count=2)
    )
    starts = [
        s.starts_at.astimezone(LONDON) for s in booking.slots.order_by("starts_at")
    ]
    assert [s.time() for s in starts] == [dt.time(18), dt.time(18)]
    assert starts[1].date() == dt.date(2027, 3, 28)


def test_schedule_expansion_in_site_zone_matches_slots(request_booking):
    booking = request_booking(recurrence=weekly(until=dt.date(2027, 4, 13)))
    expanded = [
        o.original_start for o in event_occurrences(event=booking.event, zone=LONDON)
    ]
    assert expanded == [s.original_start for s in booking.slots.order_by("starts_at")]


def test_measured_default_utc_period_shifts_by_an_hour(request_booking):
    """Why scheduling.py always passes the site zone: django-scheduler's
    default (UTC) expands the rule in UTC, an hour early after October."""
    booking = request_booking(recurrence=weekly(until=dt.date(2026, 12, 1)))
    in_utc = event_occurrences(event=booking.event, zone=dt.UTC)
    november = [o for o in in_utc if o.start.month == 11]
    assert november[0].start.astimezone(LONDON).time() == dt.time(17, 0)


def test_api_shows_18_local_in_winter_and_summer(client, request_booking, partner_user):
    booking = request_booking(recurrence=weekly(until=dt.date(2027, 4, 13)))
    client.force_login(partner_user)
    data = client.get(reverse("bookings-api:detail", args=[booking.pk])).json()
    times = {o["starts_at"][11:16] for o in data["occurrences"]}
    assert times == {"18:00"}
    offsets = {o["starts_at"][-6:] for o in data["occurrences"]}
    assert offsets == {"+00:00", "+01:00"}


def test_detail_page_shows_18_in_november(client, request_booking, partner_user):
    booking = request_booking(recurrence=weekly(until=dt.date(2026, 11, 30)))
    client.force_login(partner_user)
    html = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "Tue 24 Nov 2026" in html
    assert "17:00" not in html
