"""booking_request: a partner asks for a room, once or recurring."""

import datetime as dt
from dataclasses import dataclass, replace

from django.db import transaction

from bookings import pricing, scheduling, wallclock
from bookings.errors import BookingConflict, BookingInvalid
from bookings.models import Booking, Slot
from bookings.scheduling import Frequency, Recurrence
from bookings.services.checks import Issue, Occ, occurrence_issues
from bookings.services.locks import room_lock
from hub.audit import audit_record
from hub.calendar_dates import closed_days, holiday_days, terms_between
from hub.dates import list_in_words
from hub.errors import PermissionDenied
from hub.rules import require_perm
from partners.models import Partner

MAX_INTERVAL = 8  # every 1 to 8 weeks (weekly) or months (monthly)


@dataclass(frozen=True)
class When:
    """What the requester typed: a local first date and times of day."""

    first_day: dt.date
    start: dt.time
    end: dt.time
    recurrence: Recurrence = Recurrence()

    @property
    def rule(self) -> Recurrence:
        """The recurrence, on the weekday of the first date."""
        return replace(self.recurrence, weekday=self.first_day.weekday())


def _invalid(message: str, field: str | None = None, details=None):
    return BookingInvalid(message, field=field, details=details)


def check_requester(*, partner: Partner | None, user) -> None:
    """The requester may book for `partner` (403) and it is approved (400)."""
    if partner is None:
        raise PermissionDenied(
            "Only staff of a partner organisation can request rooms."
        )
    require_perm(
        user,
        "bookings.request_booking",
        partner,
        message=f"You are not a member of {partner.name}.",
    )
    if not partner.is_approved:
        raise _invalid(
            f"{partner.name} is {partner.get_status_display().lower()}, not approved: "
            "it cannot book rooms until the partnership approves it.",
            field="partner",
        )


def check_basics(*, room, when: When, expected_attendees: int) -> None:
    if not room.is_bookable:
        raise _invalid(f"{room} cannot be booked.", field="room")
    if expected_attendees < 1:
        raise _invalid(
            "Expected attendees must be at least 1.", field="expected_attendees"
        )
    if expected_attendees > room.capacity:
        raise _invalid(
            f"{room.name} holds at most {room.capacity} people; you expect {expected_attendees}.",
            field="expected_attendees",
        )
    if when.end <= when.start:
        raise _invalid("The end time must be after the start time.", field="end_time")
    _check_recurrence(when)


def _check_recurrence(when: When) -> None:
    rec = when.recurrence
    if not rec.repeats:
        if rec.interval != 1:
            raise _invalid(
                "A one-off booking does not repeat: leave the interval at 1.",
                field="interval",
            )
        return
    if not 1 <= rec.interval <= MAX_INTERVAL:
        unit = "weeks" if rec.frequency == Frequency.WEEKLY else "months"
        raise _invalid(f"Repeat every 1 to {MAX_INTERVAL} {unit}.", field="interval")
    if rec.frequency == Frequency.MONTHLY and rec.nth not in scheduling.NTH_NAMES:
        raise _invalid(
            "Choose which weekday of the month (first to fourth, or last).", field="nth"
        )
    if (rec.until is None) == (rec.count is None):
        raise _invalid(
            "Give either an end date or a number of times, not both.", field="until"
        )
    if rec.until is not None and rec.until < when.first_day:
        raise _invalid(
            "The end date must be on or after the first date.", field="until"
        )
    if rec.count is not None and not 1 <= rec.count <= scheduling.MAX_OCCURRENCES:
        raise _invalid(
            f"The number of times must be between 1 and {scheduling.MAX_OCCURRENCES}.",
            field="count",
        )


def expand(
    *, room, when: When, term_time_only: bool
) -> tuple[list[Occ], dict[dt.datetime, str]]:
    """(occurrences to run, {start: why skipped}) for the request, in the site zone."""
    zone = room.site.zoneinfo
    naive = scheduling.local_starts(
        first_day=when.first_day, start=when.start, recurrence=when.rule
    )
    if len(naive) > scheduling.MAX_OCCURRENCES:
        raise _invalid(
            f"That gives more than {scheduling.MAX_OCCURRENCES} dates. Choose an earlier end date.",
            field="until",
        )
    if not naive:
        raise _invalid(
            "That rule gives no date at all. Check the first date, the weekday and the end date.",
            field="until",
        )
    _check_wallclock(naive, zone)
    occs = [_occ(room, s, dt.datetime.combine(s.date(), when.end), zone) for s in naive]
    skipped = _skipped(room, [o.start for o in occs], term_time_only)
    return occs, skipped


def _check_wallclock(naive: list[dt.datetime], zone) -> None:
    for value in naive:
        problem = wallclock.problem(value, zone)
        if problem:
            raise _invalid(problem, field="start_time")


def _occ(room, start: dt.datetime, end: dt.datetime, zone) -> Occ:
    problem = wallclock.problem(end, zone)
    if problem:
        raise _invalid(problem, field="end_time")
    s, e = wallclock.aware(start, zone), wallclock.aware(end, zone)
    return Occ(
        start=s,
        end=e,
        buffered_start=s - dt.timedelta(minutes=room.setup_buffer_minutes),
        buffered_end=e + dt.timedelta(minutes=room.cleardown_buffer_minutes),
    )


def _skipped(
    room, starts: list[dt.datetime], term_time_only: bool
) -> dict[dt.datetime, str]:
    """Closures and bank holidays always; holidays and non-term days if term time only."""
    zone, site = room.site.zoneinfo, room.site
    days = {s: s.astimezone(zone).date() for s in starts}
    first, last = min(days.values()), max(days.values())
    closed = closed_days(site, first, last)
    holidays = holiday_days(site, first, last) if term_time_only else {}
    terms = terms_between(site, first, last) if term_time_only else []
    skipped = {}
    for start, day in days.items():
        if day in closed:
            skipped[start] = f"Closed: {closed[day]}"
        elif day in holidays:
            skipped[start] = f"School holiday: {holidays[day]}"
        elif term_time_only and not any(t.contains(day) for t in terms):
            skipped[start] = "Not in term time"
    return skipped


def raise_for_issues(issues: list[Issue], zone) -> None:
    """409 if every problem is a clash, else 400; the details list every date."""
    if not issues:
        return
    details = [i.as_detail(zone) for i in issues]
    dates = list_in_words(d["date"] for d in details)
    if all(i.code == "clash" for i in issues):
        raise BookingConflict(
            f"The room is already booked on {dates}.", details=details
        )
    raise BookingInvalid(f"Some dates cannot be booked: {dates}.", details=details)


@transaction.atomic
def booking_request(
    *,
    room,
    partner: Partner,
    requested_by,
    title: str,
    when: When,
    expected_attendees: int,
    purpose: str = "",
    setup_notes: str = "",
    term_time_only: bool = False,
    allow_clashes: bool = False,
) -> Booking:
    """Create a pending booking with its occurrences materialised as inactive slots.

    Every date is checked (past, hours, closure, insurance, clash). With
    `allow_clashes`, dates that clash with approved slots are accepted so the
    manager can approve all but those; every other problem is refused.
    """
    check_requester(partner=partner, user=requested_by)
    check_basics(room=room, when=when, expected_attendees=expected_attendees)
    room_lock(room=room)
    occs, skipped = expand(room=room, when=when, term_time_only=term_time_only)
    running = [o for o in occs if o.start not in skipped]
    if not running:
        raise _invalid(
            "Every date of that rule falls on a closure or holiday: no date is left.",
            field="first_day",
        )
    issues = occurrence_issues(room=room, partner=partner, occs=running)
    clashing = {i.start for i in issues if i.code == "clash"}
    if allow_clashes and len(clashing) < len(running):  # some date must be free
        issues = [i for i in issues if i.code != "clash"]
    raise_for_issues(issues, room.site.zoneinfo)
    booking = Booking.objects.create(
        partner=partner,
        room=room,
        title=title,
        expected_attendees=expected_attendees,
        requested_by=requested_by,
        recurrence_summary=when.rule.summary(),
        purpose=purpose,
        setup_notes=setup_notes,
        term_time_only=term_time_only,
    )
    _materialise(booking, occs, skipped)
    scheduling.schedule_sync(booking=booking, recurrence=when.rule)
    audit_record(
        actor=requested_by,
        action="booking.requested",
        obj=booking,
        changes={"status": [None, booking.status]},
    )
    transaction.on_commit(lambda: _notify_requested(booking.pk))
    return booking


def _materialise(booking: Booking, occs: list[Occ], skipped: dict) -> None:
    """One slot per rule date, inactive until approved; closures and holidays
    are skipped slots."""
    zone = booking.room.site.zoneinfo
    slots = []
    for o in occs:
        price = pricing.occurrence_price(
            room=booking.room,
            partner=booking.partner,
            start=o.start,
            end=o.end,
            zone=zone,
        )
        slots.append(
            Slot(
                booking=booking,
                room=booking.room,
                original_start=o.start,
                starts_at=o.start,
                ends_at=o.end,
                buffered_start=o.buffered_start,
                buffered_end=o.buffered_end,
                is_active=False,
                state=Slot.State.SKIPPED if o.start in skipped else Slot.State.PLANNED,
                note=skipped.get(o.start, ""),
                price_pence=price.pence,
                full_price_pence=price.full_pence,
            )
        )
    Slot.objects.bulk_create(slots)


def _notify_requested(booking_id: int) -> None:
    from bookings.tasks import send_request_received

    send_request_received.delay(booking_id)


@dataclass
class Preview:
    """What a request would book, without saving anything."""

    occs: list[Occ]
    skipped: dict[dt.datetime, str]
    issues: list[Issue]
    price: pricing.Price

    def rows(self, zone) -> list[dict]:
        by_start: dict[dt.datetime, list[str]] = {}
        for issue in self.issues:
            by_start.setdefault(issue.start, []).append(issue.message)
        return [
            {
                # Naive wall-clock times for display (see bookings_tags.local).
                "start": o.start.astimezone(zone).replace(tzinfo=None),
                "end": o.end.astimezone(zone).replace(tzinfo=None),
                "skipped": self.skipped.get(o.start, ""),
                "problems": by_start.get(o.start, []),
            }
            for o in self.occs
        ]


def booking_preview(
    *,
    room,
    partner: Partner,
    when: When,
    expected_attendees: int,
    term_time_only: bool = False,
) -> Preview:
    """Dates, problems and price quote of a request. Read-only."""
    check_basics(room=room, when=when, expected_attendees=expected_attendees)
    occs, skipped = expand(room=room, when=when, term_time_only=term_time_only)
    running = [o for o in occs if o.start not in skipped]
    issues = occurrence_issues(room=room, partner=partner, occs=running)
    zone = room.site.zoneinfo
    prices = [
        pricing.occurrence_price(
            room=room, partner=partner, start=o.start, end=o.end, zone=zone
        )
        for o in running
    ]
    return Preview(occs, skipped, issues, pricing.total(prices))
