"""iCalendar export of a booking, built with icalendar 7 (not schedule.feeds).

One VEVENT per series with an RRULE; dates that do not run (skipped, not
approved, cancelled) are EXDATEs; a moved date is an extra VEVENT with the same
UID and a RECURRENCE-ID. Times carry the site's TZID and a VTIMEZONE, so
calendar apps keep 18:00 at 18:00 across the clock changes.
"""

from icalendar import Calendar, Event

from bookings import scheduling
from bookings.models import Booking, Slot

PRODID = "-//Community Hub//Room bookings//EN"


def booking_ical(*, booking: Booking, slots: list[Slot], host: str) -> bytes:
    zone = booking.room.site.zoneinfo
    uid = f"booking-{booking.pk}@{host}"
    first = min(slots, key=lambda s: s.original_start)
    duration = first.ends_at - first.starts_at
    series = Event.new(
        uid=uid,
        start=booking.event.start.astimezone(zone),
        end=(booking.event.start + duration).astimezone(zone),
        summary=booking.title,
        location=f"{booking.room.name}, {booking.room.site.name}",
    )
    rule = scheduling.ical_rrule(event=booking.event)
    if rule:
        series.add("rrule", rule)
    gone = [
        s.original_start.astimezone(zone)
        for s in slots
        if s.state != Slot.State.PLANNED
    ]
    if gone:
        series.add("exdate", gone)
    cal = Calendar.new(
        prodid=PRODID, subcomponents=[series, *_moved(booking, slots, uid, zone)]
    )
    cal.add_missing_timezones()
    return cal.to_ical()


def _moved(booking: Booking, slots: list[Slot], uid: str, zone) -> list[Event]:
    return [
        Event.new(
            uid=uid,
            recurrence_id=s.original_start.astimezone(zone),
            start=s.starts_at.astimezone(zone),
            end=s.ends_at.astimezone(zone),
            summary=booking.title,
        )
        for s in slots
        if s.state == Slot.State.PLANNED and s.starts_at != s.original_start
    ]
