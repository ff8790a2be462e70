"""Managers approving rival requests for the same evening at once
(benchmarks/approval_rush.py measures it): once one is approved, the others
are refused with the clash at once, without queueing on the room's lock, and
a request with a free date still waits for the lock and is checked under it.
PostgreSQL only: a second connection holds the room's row lock."""

import threading

import pytest
from django.db import connections, transaction

from bookings.errors import BookingConflict
from bookings.models import Booking
from bookings.services import booking_approve
from hub.models import Room
from tests.bookings.conftest import weekly
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


class RoomHeld:
    """Hold the room's row lock in another connection until release()."""

    def __init__(self, room):
        self.taken, self.done = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold, args=(room.pk,))

    def _hold(self, room_id):
        try:
            with transaction.atomic():
                Room.objects.select_for_update().filter(pk=room_id).first()
                self.taken.set()
                self.done.wait(30)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.taken.wait(10)
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join(30)


def _in_thread(fn) -> dict:
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - asserted on below
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    outcome["thread"] = thread
    return outcome


def test_a_request_whose_every_date_is_taken_is_refused_without_the_lock(
    request_booking, manager, room
):
    winner = request_booking(title="Choir", recurrence=weekly(count=3))
    loser = request_booking(title="Drama", recurrence=weekly(count=3))
    booking_approve(booking=winner, approved_by=manager)
    with RoomHeld(room):
        outcome = _in_thread(
            lambda: booking_approve(booking=loser, approved_by=manager)
        )
        outcome["thread"].join(10)
        assert not outcome["thread"].is_alive(), "the refusal waited for the lock"
    assert isinstance(outcome["error"], BookingConflict)
    assert outcome["error"].message.startswith("The room is already booked on")
    assert "Choir" in str(outcome["error"].details)
    loser.refresh_from_db()
    assert loser.status == Booking.Status.PENDING


def test_a_request_with_a_free_date_still_waits_for_the_lock(
    request_booking, manager, room
):
    winner = request_booking(title="Choir", recurrence=weekly(count=2))
    longer = request_booking(title="Drama", recurrence=weekly(count=3))
    booking_approve(booking=winner, approved_by=manager)
    with RoomHeld(room):
        outcome = _in_thread(
            lambda: booking_approve(booking=longer, approved_by=manager)
        )
        outcome["thread"].join(1)
        assert outcome["thread"].is_alive(), "it did not wait for the room's lock"
    outcome["thread"].join(30)
    # Checked under the lock: two dates clash, so the whole approval is refused.
    assert isinstance(outcome["error"], BookingConflict)
    longer.refresh_from_db()
    assert longer.status == Booking.Status.PENDING
