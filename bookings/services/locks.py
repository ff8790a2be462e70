"""Serialising booking writes per room.

PostgreSQL: `room_lock` takes a row lock on the Room (SELECT ... FOR UPDATE), so
the clash check and the slot write of two requests for one room run one after
the other; the exclusion constraint `slot_no_overlap_per_room` (migration 0004)
catches any path that forgets the lock. SQLite: `select_for_update` is a no-op,
but the settings open every transaction with BEGIN IMMEDIATE, which takes the
database write lock at the start, so check-then-write is serialised too.

Database errors are mapped in one place, hub.db_errors: a deadlock, a
serialisation failure or a busy SQLite database is `Busy` (409, code
"try_again"), never a clash. Only a real exclusion violation is a
`BookingConflict`.
"""

from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction

from bookings.errors import BookingConflict
from hub import db_errors
from hub.models import Room

NO_OVERLAP = "slot_no_overlap_per_room"  # created by migration 0004 (PostgreSQL)
CLASH = "Another booking took this room at the same time. Reload and try again."


def room_lock(*, room: Room) -> None:
    """Must run inside transaction.atomic(); locks the Room row until commit."""
    if not connection.in_atomic_block:
        raise RuntimeError("room_lock() outside a transaction")
    Room.objects.select_for_update().filter(pk=room.pk).values_list("pk").first()


@contextmanager
def slot_write(message: str = CLASH):
    """Run a slot write in a savepoint. The exclusion constraint's violation
    becomes BookingConflict(`message`); other database errors leave as
    hub.db_errors maps them (Busy for a deadlock or a locked database)."""
    try:
        with db_errors.translated(), transaction.atomic():
            yield
    except IntegrityError as exc:
        # The constraint is raw SQL (PostgreSQL only), so hub.db_errors does
        # not know its name; nothing else on the slot table names it.
        if NO_OVERLAP in str(exc):
            raise BookingConflict(message) from exc
        raise
