"""Migration 0007 moves every BookingDecision into the one audit log before
dropping the model, so no decision's who/when/why is lost."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hub.models import AuditEntry
from tests.factories import PartnerFactory, RoomFactory, UserFactory

BEFORE = [("bookings", "0006_booking_event_derived")]
AFTER = [("bookings", "0007_one_audit_log_constraint_messages")]


@pytest.fixture
def back_to_latest():
    """Going back to bookings 0006 also unapplies what depends on later
    bookings migrations (payments, activities...): put every app back at its
    latest migration afterwards, or the next test on this database finds
    tables missing."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_decisions_are_copied_into_the_audit_log(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    room, partner, manager = RoomFactory(), PartnerFactory(), UserFactory()
    booking = old.get_model("bookings", "Booking").objects.create(
        partner_id=partner.pk,
        room_id=room.pk,
        title="Chess club",
        expected_attendees=10,
        requested_by_id=manager.pk,
    )
    decision = old.get_model("bookings", "BookingDecision").objects.create(
        booking_id=booking.pk,
        kind="approved_except",
        decided_by_id=manager.pk,
        note="Welcome",
        dates=["2026-09-15"],
    )
    decided_at = dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC)
    type(decision).objects.filter(pk=decision.pk).update(decided_at=decided_at)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    entry = AuditEntry.objects.get(object_id=booking.pk)
    assert (entry.action, entry.actor_id, entry.reason) == (
        "booking.approved_except",
        manager.pk,
        "Welcome",
    )
    assert entry.changes == {"dates": [None, ["2026-09-15"]]}
    assert (entry.created_at, entry.site_id) == (decided_at, room.site_id)
