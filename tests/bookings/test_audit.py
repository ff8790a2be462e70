"""One audit log: every booking service writes exactly one entry on the
booking (actor, action, reason) in its own transaction; a refused action
writes none. The booking page shows the history to those who may see it."""

import datetime as dt

import pytest
from django.urls import reverse

from bookings.errors import BookingInvalid
from bookings.services import (
    booking_approve,
    booking_cancel,
    booking_decline,
    booking_occurrence_move,
)
from hub.errors import DomainError, PermissionDenied
from hub.models import AuditEntry
from tests.bookings.conftest import weekly


def _one_new_entry(since: int) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(pk__gt=since))
    assert len(entries) == 1, [e.action for e in entries]
    return entries[0]


def _last() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_request_is_audited(request_booking, partner_user):
    booking = request_booking(recurrence=weekly(count=2))
    entry = _one_new_entry(0)
    assert (entry.action, entry.actor, entry.object_id) == (
        "booking.requested",
        partner_user,
        booking.pk,
    )
    assert entry.site_id == booking.room.site_id


@pytest.mark.parametrize(
    ("act", "action", "reason"),
    [
        ("approve", "booking.approved", "Welcome"),
        ("decline", "booking.declined", "Hall closed"),
        ("cancel", "booking.cancelled", "Group paused"),
        ("cancel_one", "booking.occurrence_cancelled", "Ill"),
        ("move", "booking.occurrence_moved", "Hall in use"),
    ],
)
def test_each_decision_writes_exactly_one_entry(
    request_booking, manager, partner_user, act, action, reason
):
    booking = request_booking(recurrence=weekly(count=3))
    if act in ("cancel_one", "move"):
        booking_approve(booking=booking, approved_by=manager)
    slot = booking.slots.order_by("starts_at")[1]
    since = _last()
    actor = manager if act in ("approve", "decline") else partner_user
    run = {
        "approve": lambda: booking_approve(
            booking=booking, approved_by=actor, note=reason
        ),
        "decline": lambda: booking_decline(
            booking=booking, declined_by=actor, reason=reason
        ),
        "cancel": lambda: booking_cancel(
            booking=booking, cancelled_by=actor, reason=reason
        ),
        "cancel_one": lambda: booking_cancel(
            booking=booking, cancelled_by=actor, reason=reason, slot_id=slot.pk
        ),
        "move": lambda: booking_occurrence_move(
            booking=booking,
            slot_id=slot.pk,
            moved_by=actor,
            day=dt.date(2026, 9, 16),
            start=dt.time(18),
            end=dt.time(20),
            reason=reason,
        ),
    }[act]
    run()
    entry = _one_new_entry(since)
    assert (entry.action, entry.actor, entry.reason) == (action, actor, reason)
    assert entry.object_id == booking.pk


@pytest.mark.parametrize("who", ["partner_user", "other_manager"])
def test_refused_actions_write_nothing_and_check_their_own_permission(
    request_booking, request, who
):
    booking = request_booking()
    actor = request.getfixturevalue(who)
    since = _last()
    with pytest.raises(PermissionDenied):
        booking_approve(booking=booking, approved_by=actor)
    with pytest.raises(PermissionDenied):
        booking_decline(booking=booking, declined_by=actor, reason="No")
    assert _last() == since


def test_a_refused_state_change_writes_nothing(request_booking, manager):
    booking = request_booking()
    booking_decline(booking=booking, declined_by=manager, reason="Full")
    since = _last()
    with pytest.raises(DomainError):
        booking_approve(booking=booking, approved_by=manager)
    with pytest.raises(BookingInvalid):
        booking_decline(booking=booking, declined_by=manager, reason=" ")
    assert _last() == since


def test_history_is_on_the_booking_page_for_those_who_may_see_it(
    client, request_booking, manager, partner_user, other_partner_user
):
    booking = request_booking()
    booking_approve(booking=booking, approved_by=manager, note="See you Tuesday")
    client.force_login(partner_user)
    html = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "<caption>" in html and "Booking approved" in html
    assert "See you Tuesday" in html
    client.force_login(other_partner_user)
    response = client.get(reverse("bookings:detail", args=[booking.pk]))
    assert response.status_code == 404
