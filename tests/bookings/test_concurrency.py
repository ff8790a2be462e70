"""Invariant 1 under load: many managers approve overlapping requests for one
room at the same moment, from real threads with their own connections.

A short sleep is injected between the clash check and the slot write in every
test, which widens the race window. With the guards (room lock + exclusion
constraint on PostgreSQL, IMMEDIATE transactions on SQLite) exactly one
approval wins and every other gets the clash message; with the guards switched
off the same assertion fails (negative controls), which proves the real tests
can fail. A busy database ("database is locked", a deadlock) is `Busy` (code
"try_again"), not a clash, so it cannot pass for one.

These tests need a database that several connections share: PostgreSQL, or a
SQLite file (DATABASE_TEST_NAME=/tmp/x.sqlite3). On the in-memory SQLite
default they are skipped, and say so.
"""

import importlib
import threading
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from bookings.errors import BookingConflict
from bookings.models import Slot
from bookings.services import booking_approve, decisions
from bookings.services import checks as checks_module
from hub.db_errors import Busy
from tests.bookings.conftest import weekly
from tests.conftest import requires_postgres

THREADS = 20
MIGRATION = importlib.import_module("bookings.migrations.0004_slot_no_overlap_postgres")
CONSTRAINT = MIGRATION.CONSTRAINT


CLASH = "The room is already booked on"
IN_MEMORY = (
    "needs a database shared by several connections; the in-memory SQLite test "
    "database is private to one connection. Set DATABASE_TEST_NAME=/tmp/x.sqlite3"
)


def _file_db() -> bool:
    name = connection.settings_dict["NAME"]
    return settings.IS_POSTGRES or (
        name and "memory" not in str(name) and name != ":memory:"
    )


def assert_exactly_one_wins(results) -> None:
    """One approval won; every other lost with the clash message."""
    assert _outcomes(results) == {"won": 1, "BookingConflict": len(results) - 1}
    for result in results:
        if isinstance(result, BookingConflict):
            assert result.message.startswith(CLASH), result.message


@pytest.fixture
def pending(request_booking):
    """THREADS pending requests for the same Tuesday evenings (pending requests
    do not block each other, so all of them are accepted)."""
    return [
        request_booking(title=f"Club {i}", recurrence=weekly(count=3))
        for i in range(THREADS)
    ]


@pytest.fixture
def slow_check(monkeypatch):
    """Sleep after the clash check, before the write, in every approval."""
    real = decisions.occurrence_issues

    def slow(**kwargs):
        issues = real(**kwargs)
        time.sleep(0.05)
        return issues

    monkeypatch.setattr(decisions, "occurrence_issues", slow)
    assert checks_module.occurrence_issues is real


def _run_in_threads(fn, items) -> list:
    barrier = threading.Barrier(len(items))
    results: list = [None] * len(items)

    def work(i, item):
        try:
            barrier.wait()
            results[i] = fn(item)
        except Exception as exc:  # noqa: BLE001 - recorded and asserted on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=(i, it)) for i, it in enumerate(items)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _approve(manager):
    def go(booking):
        return booking_approve(booking=booking, approved_by=manager)

    return go


def _overlaps_in_db() -> int:
    """Pairs of active slots in one room whose buffered ranges overlap."""
    slots = list(
        Slot.objects.filter(is_active=True).order_by("room_id", "buffered_start")
    )
    return sum(
        1
        for a, b in zip(slots, slots[1:], strict=False)
        if a.room_id == b.room_id and b.buffered_start < a.buffered_end
    )


def _outcomes(results) -> Counter:
    return Counter(
        "won" if not isinstance(r, Exception) else type(r).__name__ for r in results
    )


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_20_concurrent_approvals_exactly_one_wins(
    pending, manager, slow_check
):
    results = _run_in_threads(_approve(manager), pending)
    assert_exactly_one_wins(results)
    assert Slot.objects.filter(is_active=True).count() == 3
    assert _overlaps_in_db() == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_constraint_alone_still_allows_one_winner(
    pending, manager, slow_check, monkeypatch
):
    """Even a code path that forgets the room lock cannot double-book."""
    monkeypatch.setattr(decisions, "room_lock", lambda *, room: None)
    results = _run_in_threads(_approve(manager), pending)
    assert _outcomes(results)["won"] == 1
    # A deadlock between two writers is Busy ("try again"), also a 409.
    assert all(
        isinstance(r, BookingConflict | Busy)
        for r in results
        if isinstance(r, Exception)
    )
    assert _overlaps_in_db() == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_race_happens_without_the_guards(
    pending, manager, slow_check, monkeypatch
):
    """Control: no lock and no constraint, and the room is double-booked."""
    monkeypatch.setattr(decisions, "room_lock", lambda *, room: None)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE bookings_slot DROP CONSTRAINT {CONSTRAINT}")
    try:
        results = _run_in_threads(_approve(manager), pending)
        with pytest.raises(AssertionError):
            assert_exactly_one_wins(results)
        assert _outcomes(results)["won"] > 1
        assert _overlaps_in_db() > 0
    finally:
        Slot.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(MIGRATION.CREATE)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_20_concurrent_api_approvals_one_200_others_409(
    pending, manager, slow_check
):
    def approve_over_http(booking):
        client = Client()
        client.force_login(manager)
        url = reverse("bookings-api:approve", args=[booking.pk])
        return client.post(url, {}, content_type="application/json").status_code

    codes = _run_in_threads(approve_over_http, pending)
    assert Counter(codes) == {200: 1, 409: THREADS - 1}
    assert _overlaps_in_db() == 0


@pytest.fixture
def sqlite_file_db():
    if settings.IS_POSTGRES:
        pytest.skip("the SQLite variant; PostgreSQL has its own tests above")
    if not _file_db():
        pytest.skip(IN_MEMORY)


@pytest.mark.django_db(transaction=True)
def test_sqlite_file_db_concurrent_approvals_exactly_one_wins(
    sqlite_file_db, pending, manager, slow_check
):
    results = _run_in_threads(_approve(manager), pending[:8])
    assert_exactly_one_wins(results)
    assert _overlaps_in_db() == 0


@pytest.mark.django_db(transaction=True)
def test_sqlite_race_is_not_one_clean_winner_without_the_guard(
    sqlite_file_db, pending, manager, slow_check
):
    """Control: DEFERRED transactions (the guard off) let every approval check
    before any writes; the losers then meet a locked database (Busy, "try
    again") or double-book, and the real test's assertion fails."""
    options = connections.settings[connection.alias]["OPTIONS"]
    options["transaction_mode"] = "DEFERRED"
    connections.close_all()
    try:
        results = _run_in_threads(_approve(manager), pending[:8])
    finally:
        options["transaction_mode"] = "IMMEDIATE"
        connections.close_all()
    with pytest.raises(AssertionError):
        assert_exactly_one_wins(results)
