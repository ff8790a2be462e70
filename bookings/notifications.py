"""Emails about bookings. Called from transaction.on_commit only, so nothing is
sent for a change that was rolled back. Times are listed in the site's zone."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

from bookings.models import Booking, Slot
from bookings.pricing import format_pence
from hub.models import StaffRole

SUBJECTS = {  # by the kind of decision (bookings.services.decisions)
    "approved": "Booking approved",
    "approved_except": "Booking approved (some dates not available)",
    "declined": "Booking declined",
    "cancelled": "Booking cancelled",
}


def _booking(booking_id: int) -> Booking:
    return Booking.objects.select_related("room__site", "partner", "requested_by").get(
        pk=booking_id
    )


def occurrence_lines(booking: Booking) -> list[str]:
    zone = booking.room.site.zoneinfo
    lines = []
    for slot in booking.slots.order_by("starts_at"):
        start, end = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
        state = (
            ""
            if slot.state == Slot.State.PLANNED
            else f" - {slot.get_state_display()}: {slot.note}"
        )
        lines.append(f"  {start:%a %-d %b %Y}, {start:%H:%M} to {end:%H:%M}{state}")
    return lines


def _state_label(slot: Slot) -> str:
    return "Skipped" if slot.state == Slot.State.SKIPPED else slot.get_state_display()


def _body(booking: Booking, intro: str, note: str = "") -> str:
    parts = [
        intro,
        "",
        f"{booking.title}, {booking.room.name}, {booking.room.site.name}",
        f"Partner: {booking.partner.name}",
        f"Repeats: {booking.recurrence_summary}",
        f"Times are {booking.room.site.timezone} local time.",
    ]
    if note:
        parts += ["", f"Note: {note}"]
    if booking.quote_pence is not None:
        parts.append(f"Price: {format_pence(booking.quote_pence)}")
    return "\n".join(
        parts
        + ["", "Dates:", *occurrence_lines(booking), "", *_calendar_lines(booking)]
    )


def _calendar_lines(booking: Booking) -> list[str]:
    """The "Add to calendar" lines: the booking's .ics, and the feed that stays up to date."""
    ics = reverse("bookings:ical", args=[booking.pk])
    return [
        f"Add to calendar (these dates, once): {settings.SITE_URL}{ics}",
        "Keep all your bookings in your calendar, with moved and cancelled dates "
        f"updated for you: {settings.SITE_URL}/calendars/",
    ]


def _partner_recipients(booking: Booking) -> list[str]:
    emails = [booking.partner.contact_email, booking.requested_by.email]
    return sorted({e for e in emails if e})


def notify_requested(*, booking_id: int) -> None:
    booking = _booking(booking_id)
    managers = StaffRole.objects.filter(
        site=booking.room.site, role=StaffRole.Role.BUSINESS_MANAGER
    ).values_list("user__email", flat=True)
    to = sorted({e for e in managers if e})
    if not to:
        return
    intro = (
        f"{booking.partner.name} asked to book a room. It is waiting for your decision."
    )
    message = (
        f"Booking request: {booking.title}",
        _body(booking, intro),
        settings.DEFAULT_FROM_EMAIL,
        to,
    )
    send_mass_mail([message], fail_silently=False)


def notify_decision(*, booking_id: int, kind: str, dates=None, note: str = "") -> None:
    """Tell the partner about a decision; `note` is the manager's note or the
    reason given."""
    booking = _booking(booking_id)
    subject = SUBJECTS.get(kind, "Booking cancelled")
    intro = f"{subject}: {booking.title}."
    if dates and kind == "cancelled":
        intro = f"These dates were cancelled: {', '.join(dates)}."
    message = (
        f"{subject}: {booking.title}",
        _body(booking, intro, note),
        settings.DEFAULT_FROM_EMAIL,
        _partner_recipients(booking),
    )
    send_mass_mail([message], fail_silently=False)
