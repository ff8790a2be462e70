"""Serialising booking writes per room, and turning database conflicts into
BookingConflict.

PostgreSQL: `room_lock` takes a row lock on the Room (SELECT ... FOR UPDATE), so
the clash check and the slot write of two requests for one room run one after
the other; the exclusion constraint `slot_no_overlap_per_room` catches any
path that forgets the lock. SQLite: `select_for_update` is a no-op, but the
settings open every transaction with BEGIN IMMEDIATE, which takes the
database write lock at the start, so check-then-write is serialised too.
"""

from contextlib import contextmanager

from django.db import DatabaseError, IntegrityError, connection, transaction

from bookings.errors import BookingConflict
from hub.models import Room

CONFLICT_SQLSTATES = {"23P01", "40P01", "40001"}


def room_lock(*, room: Room) -> None:
    """Must run inside transaction.atomic(); locks the Room row until commit."""
    if not connection.in_atomic_block:
        raise RuntimeError("room_lock() outside a transaction")
    Room.objects.select_for_update().filter(pk=room.pk).values_list("pk").first()


def _sqlstate(exc: BaseException) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


@contextmanager
def conflicts_as_409(message: str):
    """Run a write in a savepoint; an exclusion violation or deadlock becomes
    BookingConflict (the savepoint is rolled back, so nothing is saved)."""
    try:
        with transaction.atomic():
            yield
    except (IntegrityError, DatabaseError) as exc:
        if _sqlstate(exc) in CONFLICT_SQLSTATES or "database is locked" in str(exc):
            raise BookingConflict(message) from exc
        raise
