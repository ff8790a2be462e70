"""Booking errors. `details` lists every affected occurrence so the form, the
queue and the API can show which dates fail and why."""

from hub.errors import Conflict, DomainError, StateError


class BookingInvalid(DomainError):
    code = "booking_invalid"


class BookingConflict(Conflict):
    """Clashes with approved slots (HTTP 409). details: one entry per clash."""

    code = "booking_conflict"


class BookingStateError(StateError):
    code = "booking_state"
