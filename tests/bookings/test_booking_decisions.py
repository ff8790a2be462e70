import datetime as dt

import pytest
from django.core import mail

from bookings.errors import BookingConflict, BookingInvalid, BookingStateError
from bookings.models import Booking, Slot
from bookings.scheduling import event_occurrences
from bookings.services import booking_approve, booking_cancel, booking_decline
from bookings.signals import slots_cancelled
from hub.audit import audit_history_for
from hub.errors import PermissionDenied
from tests.bookings.conftest import LONDON, london, weekly


def test_approve_activates_slots_stores_quote_and_audits(request_booking, manager):
    booking = request_booking(recurrence=weekly(count=3))
    booking_approve(booking=booking, approved_by=manager, note="Welcome")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.APPROVED
    assert booking.slots.filter(is_active=True).count() == 3
    assert booking.quote_pence == 3 * 6000  # 2 h at £30/h evening rate
    entry = audit_history_for(booking)[0]
    assert (entry.action, entry.actor, entry.reason) == (
        "booking.approved",
        manager,
        "Welcome",
    )
    assert entry.changes["status"] == ["pending", "approved"]


def test_approve_rechecks_clashes_that_appeared_since_the_request(
    request_booking, manager
):
    first = request_booking(recurrence=weekly(count=3), title="Chess")
    second = request_booking(recurrence=weekly(count=3), title="Yoga")
    booking_approve(booking=first, approved_by=manager)
    with pytest.raises(BookingConflict) as exc:
        booking_approve(booking=second, approved_by=manager)
    assert [d["date"] for d in exc.value.details] == [
        "2026-09-08",
        "2026-09-15",
        "2026-09-22",
    ]
    assert not second.slots.filter(is_active=True).exists()


def test_approve_all_but_clashing_dates_makes_visible_exceptions(
    request_booking, manager, django_capture_on_commit_callbacks
):
    booking_approve(
        booking=request_booking(first_day=dt.date(2026, 9, 15), title="Chess"),
        approved_by=manager,
    )
    series = request_booking(recurrence=weekly(count=3), allow_clashes=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking_approve(booking=series, approved_by=manager, except_clashes=True)
    states = {s.starts_at.date(): s.state for s in series.slots.all()}
    assert states[dt.date(2026, 9, 15)] == Slot.State.EXCLUDED
    assert series.slots.filter(is_active=True).count() == 2
    running = {
        o.original_start.date(): not o.cancelled
        for o in event_occurrences(event=series.event, zone=LONDON)
    }
    assert running == {
        dt.date(2026, 9, 8): True,
        dt.date(2026, 9, 15): False,
        dt.date(2026, 9, 22): True,
    }
    entry = audit_history_for(series)[0]
    assert entry.action == "booking.approved_except"
    assert entry.changes["dates_not_approved"] == [None, ["2026-09-15"]]
    assert "Not approved (clash)" in mail.outbox[-1].body


def test_approving_a_declined_booking_is_a_409_state_error(request_booking, manager):
    booking = request_booking()
    booking_decline(booking=booking, declined_by=manager, reason="Hall being painted")
    with pytest.raises(BookingStateError) as exc:
        booking_approve(booking=booking, approved_by=manager)
    assert exc.value.status_code == 409
    assert Booking.objects.get().status == "declined"


def test_decline_needs_a_reason_and_emails_the_partner(
    request_booking, manager, partner, django_capture_on_commit_callbacks
):
    booking = request_booking()
    with pytest.raises(BookingInvalid):
        booking_decline(booking=booking, declined_by=manager, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        booking_decline(
            booking=booking, declined_by=manager, reason="Hall being painted"
        )
    assert partner.contact_email in mail.outbox[-1].to
    assert "Hall being painted" in mail.outbox[-1].body


def test_approve_refuses_when_the_partner_was_suspended_meanwhile(
    request_booking, manager, partner
):
    booking = request_booking()
    partner.status = "suspended"
    partner.save()
    with pytest.raises(BookingInvalid):
        booking_approve(booking=booking, approved_by=manager)


def test_approve_refuses_when_insurance_lapsed_meanwhile(
    request_booking, manager, partner
):
    booking = request_booking(recurrence=weekly(count=3))
    partner.documents.update(expires_on=dt.date(2026, 9, 10))
    with pytest.raises(BookingInvalid) as exc:
        booking_approve(booking=booking, approved_by=manager)
    assert {d["code"] for d in exc.value.details} == {"insurance"}


def _receive():
    got = []

    def receiver(sender, slot_ids, reason, **kwargs):
        got.append((sorted(slot_ids), reason))

    slots_cancelled.connect(receiver, weak=False)
    return got, receiver


def test_cancel_one_occurrence_frees_it_at_once_and_signals(
    request_booking, manager, partner_user, django_capture_on_commit_callbacks
):
    booking = request_booking(recurrence=weekly(count=3))
    booking_approve(booking=booking, approved_by=manager)
    middle = booking.slots.order_by("starts_at")[1]
    got, receiver = _receive()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            booking_cancel(
                booking=booking, cancelled_by=partner_user, slot_id=middle.pk
            )
    finally:
        slots_cancelled.disconnect(receiver)
    assert got == [([middle.pk], "Booking cancelled")]
    middle.refresh_from_db()
    assert (middle.state, middle.is_active) == (Slot.State.CANCELLED, False)
    booking.refresh_from_db()
    assert booking.status == "approved"
    assert booking.quote_pence == 2 * 6000
    request_booking(first_day=dt.date(2026, 9, 15), title="Takes the freed evening")


def test_cancel_all_from_a_date(request_booking, manager, partner_user):
    booking = request_booking(recurrence=weekly(count=4))
    booking_approve(booking=booking, approved_by=manager)
    booking_cancel(
        booking=booking, cancelled_by=partner_user, from_date=dt.date(2026, 9, 22)
    )
    assert booking.slots.filter(is_active=True).count() == 2
    entry = audit_history_for(booking)[0]
    assert entry.action == "booking.cancelled_from"
    assert entry.changes["dates_cancelled"] == [None, ["2026-09-22", "2026-09-29"]]


def test_manager_cancels_series_with_a_reason(request_booking, manager):
    booking = request_booking(recurrence=weekly(count=2))
    booking_approve(booking=booking, approved_by=manager)
    with pytest.raises(BookingInvalid):
        booking_cancel(booking=booking, cancelled_by=manager)
    booking_cancel(booking=booking, cancelled_by=manager, reason="Flooded hall")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.decision_note == "Flooded hall"


def test_cannot_cancel_someone_elses_booking(
    request_booking, other_partner_user, other_manager
):
    booking = request_booking()
    for user in (other_partner_user, other_manager):
        with pytest.raises(PermissionDenied):
            booking_cancel(booking=booking, cancelled_by=user, reason="x")
    assert Booking.objects.get().status == "pending"


def test_cannot_cancel_a_declined_booking(request_booking, manager, partner_user):
    booking = request_booking()
    booking_decline(booking=booking, declined_by=manager, reason="No")
    with pytest.raises(BookingStateError):
        booking_cancel(booking=booking, cancelled_by=partner_user)


def test_allow_clashes_still_refuses_when_every_date_clashes(request_booking, manager):
    booking_approve(
        booking=request_booking(recurrence=weekly(count=2)), approved_by=manager
    )
    with pytest.raises(BookingConflict):
        request_booking(recurrence=weekly(count=2), allow_clashes=True)
    assert Booking.objects.count() == 1


def test_manager_cancellation_emails_partner_and_requester_in_local_time(
    request_booking, manager, partner, partner_user, django_capture_on_commit_callbacks
):
    booking = request_booking(recurrence=weekly(until=dt.date(2026, 11, 10)))
    booking_approve(booking=booking, approved_by=manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(
            booking=booking,
            cancelled_by=manager,
            reason="Boiler broken",
            from_date=dt.date(2026, 11, 3),
        )
    message = mail.outbox[-1]
    assert sorted(message.to) == sorted([partner.contact_email, partner_user.email])
    assert "2026-11-03, 2026-11-10" in message.body
    assert "Tue 10 Nov 2026, 18:00 to 20:00 - Cancelled: Boiler broken" in message.body
    assert "Boiler broken" in message.subject or "Boiler broken" in message.body


def test_move_one_approved_date_checks_clashes_and_records_a_schedule_occurrence(
    request_booking, manager, partner_user
):
    from bookings.services import booking_occurrence_move

    series = request_booking(recurrence=weekly(count=3))
    booking_approve(booking=series, approved_by=manager)
    other = request_booking(first_day=dt.date(2026, 9, 17), title="Chess")
    booking_approve(booking=other, approved_by=manager)
    slot = series.slots.order_by("starts_at")[1]
    with pytest.raises(BookingConflict):
        booking_occurrence_move(
            booking=series,
            slot_id=slot.pk,
            moved_by=partner_user,
            day=dt.date(2026, 9, 17),
            start=dt.time(19),
            end=dt.time(21),
        )
    booking_occurrence_move(
        booking=series,
        slot_id=slot.pk,
        moved_by=partner_user,
        day=dt.date(2026, 9, 16),
        start=dt.time(18, 30),
        end=dt.time(20, 30),
        reason="Hall in use",
    )
    slot.refresh_from_db()
    assert slot.starts_at == london(2026, 9, 16, 18, 30)
    assert slot.original_start == london(2026, 9, 15, 18)
    running = [
        o.start
        for o in event_occurrences(event=series.event, zone=LONDON)
        if not o.cancelled
    ]
    assert running == [
        london(2026, 9, 8, 18),
        london(2026, 9, 16, 18, 30),
        london(2026, 9, 22, 18),
    ]
    entry = audit_history_for(series)[0]
    assert (entry.action, entry.actor, entry.reason) == (
        "booking.occurrence_moved",
        partner_user,
        "Hall in use",
    )
    assert entry.changes["starts_at"] == [
        "2026-09-15T18:00:00+01:00",
        "2026-09-16T18:30:00+01:00",
    ]


def test_move_refuses_someone_elses_and_gap_times(
    request_booking, manager, other_partner_user, partner_user, site
):
    from bookings.services import booking_occurrence_move

    booking = request_booking()
    slot = booking.slots.get()
    with pytest.raises(PermissionDenied):
        booking_occurrence_move(
            booking=booking,
            slot_id=slot.pk,
            moved_by=other_partner_user,
            day=dt.date(2026, 9, 9),
            start=dt.time(18),
            end=dt.time(20),
        )
    with pytest.raises(BookingInvalid) as exc:
        booking_occurrence_move(
            booking=booking,
            slot_id=slot.pk,
            moved_by=partner_user,
            day=dt.date(2027, 3, 28),
            start=dt.time(1, 30),
            end=dt.time(3),
        )
    assert "There is no 01:30 on 28 March 2027" in exc.value.message
    slot.refresh_from_db()
    assert slot.starts_at == london(2026, 9, 8, 18)


def test_a_pending_date_cannot_be_moved_onto_its_own_sibling(
    request_booking, partner_user
):
    from bookings.services import booking_occurrence_move

    booking = request_booking(recurrence=weekly(count=2))
    first = booking.slots.order_by("starts_at").first()
    with pytest.raises(BookingConflict) as exc:
        booking_occurrence_move(
            booking=booking,
            slot_id=first.pk,
            moved_by=partner_user,
            day=dt.date(2026, 9, 15),
            start=dt.time(19),
            end=dt.time(20),
        )
    assert "same booking" in exc.value.details[0]["message"]
