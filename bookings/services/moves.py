"""booking_occurrence_move: one date of a booking runs at another time."""

import datetime as dt

from django.db import transaction

from bookings import pricing, scheduling, wallclock
from bookings.errors import BookingInvalid, BookingStateError
from bookings.models import Booking, Slot
from bookings.services.checks import Occ, occurrence_issues, sibling_issues
from bookings.services.decisions import reload_locked, store_quote
from bookings.services.locks import slot_write
from bookings.services.requests import raise_for_issues
from hub.audit import audit_record
from hub.rules import require_perm


def _new_occ(booking: Booking, day: dt.date, start: dt.time, end: dt.time) -> Occ:
    zone, room = booking.room.site.zoneinfo, booking.room
    if end <= start:
        raise BookingInvalid(
            "The end time must be after the start time.", field="end_time"
        )
    naive = [dt.datetime.combine(day, start), dt.datetime.combine(day, end)]
    for value, field in zip(naive, ("start_time", "end_time"), strict=True):
        problem = wallclock.problem(value, zone)
        if problem:
            raise BookingInvalid(problem, field=field)
    s, e = (wallclock.aware(v, zone) for v in naive)
    return Occ(
        s,
        e,
        s - dt.timedelta(minutes=room.setup_buffer_minutes),
        e + dt.timedelta(minutes=room.cleardown_buffer_minutes),
    )


@transaction.atomic
def booking_occurrence_move(
    *,
    booking: Booking,
    slot_id: int,
    moved_by,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    reason: str = "",
) -> Slot:
    """Move one future planned date. Checked like a new date (hours, closure,
    insurance, clash with other bookings) under the room lock."""
    require_perm(
        moved_by,
        "bookings.cancel_booking",
        booking,
        message="You can only change your own organisation's bookings.",
    )
    booking = reload_locked(booking)
    if booking.status not in (Booking.Status.PENDING, Booking.Status.APPROVED):
        raise BookingStateError(
            f"This booking is {booking.status}: its dates cannot change."
        )
    slot = booking.slots.filter(pk=slot_id, state=Slot.State.PLANNED).first()
    if slot is None:
        raise BookingInvalid("There is no such date on this booking.", field="slot_id")
    occ = _new_occ(booking, day, start, end)
    issues = occurrence_issues(
        room=booking.room,
        partner=booking.partner,
        occs=[occ],
        exclude_slot_id=slot.pk,
    )
    siblings = [
        Occ(s.starts_at, s.ends_at, s.buffered_start, s.buffered_end)
        for s in booking.slots.filter(state=Slot.State.PLANNED).exclude(pk=slot.pk)
    ]
    issues += sibling_issues(occ=occ, siblings=siblings)
    raise_for_issues(issues, booking.room.site.zoneinfo)
    zone = booking.room.site.zoneinfo
    was = (slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone))
    _apply(booking, slot, occ)
    audit_record(
        actor=moved_by,
        action="booking.occurrence_moved",
        obj=booking,
        reason=reason,
        changes={
            "starts_at": [was[0], occ.start.astimezone(zone)],
            "ends_at": [was[1], occ.end.astimezone(zone)],
        },
    )
    return slot


def _apply(booking: Booking, slot: Slot, occ: Occ) -> None:
    zone = booking.room.site.zoneinfo
    price = pricing.occurrence_price(
        room=booking.room,
        partner=booking.partner,
        start=occ.start,
        end=occ.end,
        zone=zone,
    )
    slot.starts_at, slot.ends_at = occ.start, occ.end
    slot.buffered_start, slot.buffered_end = occ.buffered_start, occ.buffered_end
    slot.price_pence, slot.full_price_pence = price.pence, price.full_pence
    slot.note = "Moved"
    with slot_write("Another booking took this time at the same moment. Try again."):
        slot.save()
    scheduling.schedule_sync(booking=booking)
    if booking.status == Booking.Status.APPROVED:
        store_quote(booking)
