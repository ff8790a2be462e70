"""One source of truth: slots. django-scheduler's rows are derived from them by
scheduling.schedule_sync, so what the scheduler expands is exactly the active
slots, whatever sequence of requests and decisions led there."""

import datetime as dt
import random

import pytest
from django.db.models import F

from bookings.errors import BookingConflict, BookingInvalid, BookingStateError
from bookings.models import Booking, Slot
from bookings.scheduling import Frequency, Recurrence, room_occurrences_between
from bookings.services import (
    booking_approve,
    booking_cancel,
    booking_decline,
    booking_occurrence_move,
    booking_preview,
)
from bookings.services.requests import When
from tests.bookings.conftest import LONDON, london, weekly

STEPS = 300
WINDOW = (london(2026, 8, 1), london(2027, 8, 1))


def _scheduled(room) -> list[tuple]:
    return [
        (o.event_id, o.start, o.end)
        for o in room_occurrences_between(room=room, start=WINDOW[0], end=WINDOW[1])
    ]


def _active(room) -> list[tuple]:
    slots = Slot.objects.filter(room=room, is_active=True).select_related("booking")
    return sorted(
        ((s.booking.event_id, s.starts_at, s.ends_at) for s in slots),
        key=lambda t: (t[1], t[0]),
    )


def _step(rng, request_booking, room, manager, partner_user):
    bookings = list(Booking.objects.filter(room=room))
    action = rng.choice(["request", "request", "approve", "decline", "cancel", "move"])
    if action == "request" or not bookings:
        day = dt.date(2026, 9, 7) + dt.timedelta(days=rng.randrange(60))
        while day.weekday() > 4:
            day += dt.timedelta(days=1)
        hour = rng.choice([16, 17, 18, 19])
        return request_booking(
            first_day=day,
            start=dt.time(hour),
            end=dt.time(hour + 1),
            recurrence=weekly(count=rng.randint(1, 5), interval=rng.randint(1, 2)),
            allow_clashes=True,
        )
    booking = rng.choice(bookings)
    if action == "approve":
        return booking_approve(
            booking=booking, approved_by=manager, except_clashes=rng.random() < 0.5
        )
    if action == "decline":
        return booking_decline(booking=booking, declined_by=manager, reason="Full")
    planned = list(booking.slots.filter(state=Slot.State.PLANNED))
    slot = rng.choice(planned) if planned else None
    if action == "cancel":
        return booking_cancel(
            booking=booking,
            cancelled_by=partner_user,
            slot_id=slot.pk if slot and rng.random() < 0.7 else None,
        )
    if slot is None:
        return None
    day = slot.starts_at.astimezone(LONDON).date()
    day += dt.timedelta(days=rng.randint(-2, 2))
    hour = rng.choice([16, 17, 18, 19])
    return booking_occurrence_move(
        booking=booking,
        slot_id=slot.pk,
        moved_by=partner_user,
        day=day,
        start=dt.time(hour),
        end=dt.time(hour + 1, 30),
    )


def test_random_sequences_keep_the_scheduler_equal_to_the_active_slots(
    request_booking, room, manager, partner_user
):
    rng = random.Random(20261130)
    outcomes = {"ok": 0, "refused": 0}
    for _ in range(STEPS):
        try:
            _step(rng, request_booking, room, manager, partner_user)
            outcomes["ok"] += 1
        except (BookingConflict, BookingInvalid, BookingStateError):
            outcomes["refused"] += 1
        assert _scheduled(room) == _active(room)
    assert outcomes["ok"] > STEPS // 3  # the walk really changed things
    assert Slot.objects.filter(is_active=True).exists()
    assert Slot.objects.exclude(starts_at=F("original_start")).exists()  # moves


FIRST_FOUR = {  # interval -> the first four local dates, from Tue 8 Sep 2026
    (Frequency.WEEKLY, 1): ["2026-09-08", "2026-09-15", "2026-09-22", "2026-09-29"],
    (Frequency.WEEKLY, 2): ["2026-09-08", "2026-09-22", "2026-10-06", "2026-10-20"],
    (Frequency.WEEKLY, 3): ["2026-09-08", "2026-09-29", "2026-10-20", "2026-11-10"],
    # The second Tuesday of the month, every 1, 2 or 3 months.
    (Frequency.MONTHLY, 1): ["2026-09-08", "2026-10-13", "2026-11-10", "2026-12-08"],
    (Frequency.MONTHLY, 2): ["2026-09-08", "2026-11-10", "2027-01-12", "2027-03-09"],
    (Frequency.MONTHLY, 3): ["2026-09-08", "2026-12-08", "2027-03-09", "2027-06-08"],
}


@pytest.mark.parametrize(("frequency", "interval"), list(FIRST_FOUR))
def test_every_frequency_honours_interval(
    request_booking, room, partner, manager, frequency, interval
):
    recurrence = Recurrence(
        frequency=frequency,
        interval=interval,
        nth=2 if frequency == Frequency.MONTHLY else None,
        count=4,
    )
    expected = FIRST_FOUR[(frequency, interval)]
    when = When(
        first_day=dt.date(2026, 9, 8),
        start=dt.time(18),
        end=dt.time(20),
        recurrence=recurrence,
    )
    preview = booking_preview(
        room=room, partner=partner, when=when, expected_attendees=10
    )
    assert [
        o.start.astimezone(LONDON).date().isoformat() for o in preview.occs
    ] == expected
    one = booking_preview(
        room=room,
        partner=partner,
        when=When(first_day=dt.date(2026, 9, 8), start=dt.time(18), end=dt.time(20)),
        expected_attendees=10,
    )
    assert preview.price.pence == 4 * one.price.pence  # the quote is for these dates
    booking = request_booking(recurrence=recurrence)
    booking_approve(booking=booking, approved_by=manager)
    scheduled = [o.start.date().isoformat() for o in _scheduled_of(room)]
    assert scheduled == expected
    every = "Monthly" if frequency == Frequency.MONTHLY else "Weekly"
    if interval > 1:
        unit = "months" if frequency == Frequency.MONTHLY else "weeks"
        every = f"Every {interval} {unit}"
    assert booking.recurrence_summary.startswith(every)


def _scheduled_of(room):
    return room_occurrences_between(room=room, start=WINDOW[0], end=WINDOW[1])


def test_a_one_off_with_an_interval_is_refused_naming_interval(request_booking):
    with pytest.raises(BookingInvalid) as exc:
        request_booking(recurrence=Recurrence(interval=2))
    assert exc.value.field == "interval"
