"""Decisions on a booking: approve (all, or all but the problem dates), decline,
cancel (series, one occurrence, all from a date). Each one checks the actor's
permission itself (require_perm), writes one audit entry on the booking
(hub.audit: who, when, why, which dates) and re-derives the schedule rows from
the slots (scheduling.schedule_sync), all in its own transaction."""

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bookings import scheduling
from bookings.errors import BookingInvalid, BookingStateError
from bookings.models import Booking, Slot
from bookings.services.checks import Occ, clash_issues, occurrence_issues
from bookings.services.locks import room_lock, slot_write
from bookings.services.requests import raise_for_issues
from bookings.signals import slots_cancelled
from hub.audit import audit_record, diff, snapshot
from hub.calendar_dates import local_day_bounds
from hub.rules import require_perm

# What happened to a booking: its audit action is "booking.<kind>", and the
# partner's email says the same.
APPROVED = "approved"
APPROVED_EXCEPT = "approved_except"
DECLINED = "declined"
CANCELLED = "cancelled"
CANCELLED_FROM = "cancelled_from"
OCCURRENCE_CANCELLED = "occurrence_cancelled"
DECISION_FIELDS = ("status", "decided_by", "quote_pence")


def audit(*, booking: Booking, actor, kind: str, reason: str, before: dict, **extra):
    """The one audit entry of a booking change: status (and quote) before and
    after, plus `extra` facts such as the dates affected."""
    changes = diff(before, snapshot(booking, DECISION_FIELDS))
    changes.update({k: [None, v] for k, v in extra.items() if v})
    audit_record(
        actor=actor,
        action=f"booking.{kind}",
        obj=booking,
        reason=reason,
        changes=changes,
    )


def local_dates(instants, zone) -> list[str]:
    """The distinct local ISO dates of `instants`, sorted (for audit and email)."""
    return sorted({value.astimezone(zone).date().isoformat() for value in instants})


def reload_locked(booking: Booking) -> Booking:
    """Lock the room, then re-read the booking: its status may have changed."""
    room_lock(room=booking.room)
    return Booking.objects.select_related("room__site", "partner", "event").get(
        pk=booking.pk
    )


def _planned(booking: Booking) -> list[Slot]:
    return list(booking.slots.filter(state=Slot.State.PLANNED).order_by("starts_at"))


def _occ(slot: Slot) -> Occ:
    return Occ(slot.starts_at, slot.ends_at, slot.buffered_start, slot.buffered_end)


def _check_partner(booking: Booking) -> None:
    if not booking.partner.is_approved:
        raise BookingInvalid(
            f"{booking.partner.name} is {booking.partner.get_status_display().lower()}: "
            "only approved partners can have bookings approved.",
            field="partner",
        )


def booking_approve(
    *, booking: Booking, approved_by, note: str = "", except_clashes: bool = False
) -> Booking:
    """Approve a pending booking, re-checking every date under the room lock.

    With `except_clashes`, dates with a per-date problem (a clash, or a closure,
    lapsed insurance or a past date that appeared since the request) become
    exceptions: cancelled occurrences the partner can see. Otherwise any
    problem refuses the whole approval.
    """
    require_perm(approved_by, "bookings.decide_booking", booking)
    _refuse_if_taken(booking)  # before the transaction: a loser costs no BEGIN
    return _approve(booking, approved_by, note, except_clashes)


@transaction.atomic
def _approve(booking: Booking, approved_by, note: str, except_clashes: bool):
    booking = reload_locked(booking)
    before = snapshot(booking, DECISION_FIELDS)
    if booking.status != Booking.Status.PENDING:
        raise BookingStateError(
            f"This booking is {booking.status}, not pending: it cannot be approved."
        )
    _check_partner(booking)
    slots = _planned(booking)
    occs = [_occ(s) for s in slots]
    zone = booking.room.site.zoneinfo
    # Under the lock too, the clash comes first: it holds the room less.
    clashes = _refuse_if_every_date_taken(booking, slots)
    issues = occurrence_issues(
        room=booking.room,
        partner=booking.partner,
        occs=occs,
        exclude_booking_id=booking.pk,
        clashes=clashes,
    )
    if not except_clashes:
        raise_for_issues(issues, zone)
    bad = {i.start: i for i in issues}
    keep = [s for s in slots if s.starts_at not in bad]
    if not keep:
        raise_for_issues(issues, zone)
    _exclude(booking, [s for s in slots if s.starts_at in bad], bad)
    with slot_write():
        Slot.objects.filter(pk__in=[s.pk for s in keep]).update(is_active=True)
    scheduling.schedule_sync(booking=booking)
    _decide(booking, Booking.Status.APPROVED, approved_by, note)
    store_quote(booking)
    kind = APPROVED_EXCEPT if bad else APPROVED
    excluded = local_dates([i.start for i in bad.values()], zone)
    audit(
        booking=booking,
        actor=approved_by,
        kind=kind,
        reason=note,
        before=before,
        dates_not_approved=excluded,
    )
    transaction.on_commit(lambda: _notify(booking.pk, kind, note=note))
    return booking


def _refuse_if_taken(booking: Booking) -> None:
    """Before queueing on the room's lock: if approved bookings already hold
    every date, refuse now. When managers approve rival requests at once, the
    ones that arrive after the winner committed answer at once instead of
    taking the lock in turn (benchmarks/approval_rush.py). Refusing is safe
    without the lock: an approved slot only stops being one under the lock,
    and the check under the lock runs again for everything that passes."""
    if booking.status != Booking.Status.PENDING:
        return  # the locked path says what is wrong
    _refuse_if_every_date_taken(booking, _planned(booking))


def _refuse_if_every_date_taken(booking: Booking, slots: list[Slot]) -> list:
    """The clashes of `slots` with approved bookings (one query). If every
    date is taken nothing else could change the answer, so refuse at once
    (typically the losers of managers approving rival requests together)."""
    clashes = clash_issues(
        room=booking.room, occs=[_occ(s) for s in slots], exclude_booking_id=booking.pk
    )
    if slots and len({i.start for i in clashes}) == len(slots):
        raise_for_issues(clashes, booking.room.site.zoneinfo)
    return clashes


def _exclude(booking: Booking, slots: list[Slot], bad: dict) -> None:
    for slot in slots:
        slot.state = Slot.State.EXCLUDED
        slot.note = bad[slot.starts_at].message[:200]
    Slot.objects.bulk_update(slots, ["state", "note"])


def _decide(booking: Booking, status: str, user, note: str) -> None:
    booking.status = status
    booking.decided_by = user
    booking.decided_at = timezone.now()
    booking.decision_note = note
    booking.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "updated_at",
        ]
    )


def store_quote(booking: Booking) -> None:
    totals = booking.slots.filter(is_active=True).aggregate(
        p=Sum("price_pence"), f=Sum("full_price_pence")
    )
    booking.quote_pence = totals["p"] or 0
    booking.social_value_pence = (totals["f"] or 0) - booking.quote_pence
    booking.save(update_fields=["quote_pence", "social_value_pence", "updated_at"])


@transaction.atomic
def booking_decline(*, booking: Booking, declined_by, reason: str) -> Booking:
    """Decline a pending booking. A reason is required: the partner sees it."""
    require_perm(declined_by, "bookings.decide_booking", booking)
    if not reason.strip():
        raise BookingInvalid("Give a reason: the partner will see it.", field="reason")
    booking = reload_locked(booking)
    before = snapshot(booking, DECISION_FIELDS)
    if booking.status != Booking.Status.PENDING:
        raise BookingStateError(
            f"This booking is {booking.status}, not pending: it cannot be declined."
        )
    _decide(booking, Booking.Status.DECLINED, declined_by, reason)
    scheduling.schedule_sync(booking=booking)
    audit(
        booking=booking, actor=declined_by, kind=DECLINED, reason=reason, before=before
    )
    transaction.on_commit(lambda: _notify(booking.pk, DECLINED, note=reason))
    return booking


@transaction.atomic
def booking_cancel(
    *,
    booking: Booking,
    cancelled_by,
    reason: str = "",
    slot_id: int | None = None,
    from_date: dt.date | None = None,
) -> list[int]:
    """Cancel the series (default), one occurrence (`slot_id`) or every date
    from `from_date` on. Only future dates are cancelled. Returns the ids of
    approved slots freed; slots_cancelled is sent with them after commit."""
    require_perm(
        cancelled_by,
        "bookings.cancel_booking",
        booking,
        message="You can only cancel your own organisation's bookings.",
    )
    is_manager = cancelled_by.has_perm("bookings.decide_booking", booking)
    if is_manager and not _is_member(cancelled_by, booking) and not reason.strip():
        raise BookingInvalid("Give a reason: the partner will see it.", field="reason")
    booking = reload_locked(booking)
    before = snapshot(booking, DECISION_FIELDS)
    if booking.status not in (Booking.Status.PENDING, Booking.Status.APPROVED):
        raise BookingStateError(
            f"This booking is {booking.status}: there is nothing to cancel."
        )
    slots = _slots_to_cancel(booking, slot_id, from_date)
    freed = _cancel_slots(booking, slots, reason)
    kind = _cancel_kind(slot_id, from_date)
    if not booking.slots.filter(state=Slot.State.PLANNED).exists():
        _decide(booking, Booking.Status.CANCELLED, cancelled_by, reason)
    elif booking.status == Booking.Status.APPROVED:
        store_quote(booking)
    dates = local_dates([s.starts_at for s in slots], booking.room.site.zoneinfo)
    audit(
        booking=booking,
        actor=cancelled_by,
        kind=kind,
        reason=reason,
        before=before,
        dates_cancelled=dates,
    )
    transaction.on_commit(lambda: _after_cancel(booking.pk, freed, reason, dates))
    return freed


def _is_member(user, booking: Booking) -> bool:
    return booking.partner.memberships.filter(user=user).exists()


def _cancel_kind(slot_id, from_date) -> str:
    if slot_id:
        return OCCURRENCE_CANCELLED
    return CANCELLED_FROM if from_date else CANCELLED


def _slots_to_cancel(booking: Booking, slot_id, from_date) -> list[Slot]:
    qs = booking.slots.filter(state=Slot.State.PLANNED, starts_at__gt=timezone.now())
    if slot_id is not None:
        qs = qs.filter(pk=slot_id)
    if from_date is not None:
        start, _ = _local_midnight(booking, from_date)
        qs = qs.filter(starts_at__gte=start)
    slots = list(qs)
    if not slots:
        field = "slot_id" if slot_id else "from_date" if from_date else None
        raise BookingInvalid("There is no future date to cancel there.", field=field)
    return slots


def _local_midnight(booking: Booking, day: dt.date):
    return local_day_bounds(day, booking.room.site)


def _cancel_slots(booking: Booking, slots: list[Slot], reason: str) -> list[int]:
    freed = [s.pk for s in slots if s.is_active]
    for slot in slots:
        slot.state, slot.is_active = Slot.State.CANCELLED, False
        slot.note = (reason or "Cancelled")[:200]
    Slot.objects.bulk_update(slots, ["state", "is_active", "note"])
    scheduling.schedule_sync(booking=booking)
    return freed


def _after_cancel(
    booking_id: int, freed: list[int], reason: str, dates: list[str]
) -> None:
    if freed:
        slots_cancelled.send(
            sender=Booking, slot_ids=freed, reason=reason or "Booking cancelled"
        )
    _notify(booking_id, CANCELLED, dates=dates, note=reason)


def _notify(booking_id: int, kind: str, dates=None, note: str = "") -> None:
    from bookings.tasks import send_decision

    send_decision.delay(booking_id, kind, dates, note)
