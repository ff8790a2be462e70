"""Every state change of a booking goes through these services."""

from bookings.services.decisions import booking_approve, booking_cancel, booking_decline
from bookings.services.locks import room_lock
from bookings.services.moves import booking_occurrence_move
from bookings.services.requests import When, booking_preview, booking_request

__all__ = [
    "When",
    "booking_approve",
    "booking_cancel",
    "booking_decline",
    "booking_occurrence_move",
    "booking_preview",
    "booking_request",
    "room_lock",
]
