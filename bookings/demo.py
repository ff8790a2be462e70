"""Demo bookings, created through the booking services so every rule applies.

Called by `manage.py seed_demo` after sites, rooms, partners and terms exist.
Skips everything if any booking already exists (idempotent). Dates are
relative to today, so the demo never goes stale.
"""

import datetime as dt
from collections.abc import Callable

from django.test.utils import override_settings
from django.utils import timezone

from bookings.compliance import insured_days
from bookings.models import Booking
from bookings.scheduling import Frequency, Recurrence
from bookings.services import When, booking_approve, booking_decline, booking_request
from hub.errors import DomainError
from hub.models import Site, StaffRole
from partners.models import Partner

Progress = Callable[[str], None]
TERM_WEEKS = 16


def _next(day: dt.date, weekday: int, weeks_ahead: int = 0) -> dt.date:
    """The first `weekday` strictly after `day`, plus whole weeks."""
    ahead = (weekday - day.weekday() - 1) % 7 + 1
    return day + dt.timedelta(days=ahead + 7 * weeks_ahead)


def _manager(site):
    role = (
        StaffRole.objects.filter(site=site, role=StaffRole.Role.BUSINESS_MANAGER)
        .select_related("user")
        .first()
    )
    return role.user if role else None


def _partners(until: dt.date) -> list[Partner]:
    """Approved partners with a member and insurance that covers `until`."""
    partners = Partner.objects.filter(
        status=Partner.Status.APPROVED, memberships__isnull=False
    ).distinct()
    return [p for p in partners if insured_days(partner=p, days=[until])]


def _member(partner):
    return partner.memberships.select_related("user").first().user


class _Seeder:
    def __init__(self, progress: Progress):
        self.progress = progress
        self.today = timezone.localdate()
        self.until = self.today + dt.timedelta(weeks=TERM_WEEKS)

    def request(self, room, partner, day, start, end, title, *, weekly=False, **kwargs):
        recurrence = (
            Recurrence(frequency=Frequency.WEEKLY, until=self.until)
            if weekly
            else Recurrence()
        )
        try:
            return booking_request(
                room=room,
                partner=partner,
                requested_by=_member(partner),
                title=title,
                when=When(first_day=day, start=start, end=end, recurrence=recurrence),
                expected_attendees=min(room.capacity, 20),
                purpose=f"{title} for local families.",
                setup_notes="Tables and chairs out; please leave the kitchen open.",
                term_time_only=weekly,
                **kwargs,
            )
        except DomainError as exc:
            self.progress(f"  skipped '{title}': {exc.message}")
            return None

    def approve(self, booking, **kwargs):
        manager = _manager(booking.room.site) if booking else None
        if booking and manager:
            try:
                booking_approve(
                    booking=booking, approved_by=manager, note="Welcome back!", **kwargs
                )
            except DomainError as exc:
                self.progress(f"  not approved '{booking.title}': {exc.message}")


def seed_demo_bookings(*, progress: Progress | None = None) -> None:
    """Demo data sends no real email: the services' notifications go to an
    in-memory outbox while seeding."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    ):
        _seed(progress or (lambda message: None))


def _seed(progress: Progress) -> None:
    if Booking.objects.exists():
        progress("Bookings already exist: left as they are")
        return
    seeder = _Seeder(progress)
    sites = [
        s
        for s in Site.objects.order_by("name")
        if s.rooms.filter(is_bookable=True).exists()
    ]
    partners = _partners(seeder.until)
    if not sites or len(partners) < 3:
        progress(
            "Room bookings: needs at least one site with rooms and three insured partners"
        )
        return
    _seed_series(seeder, sites, partners)
    _seed_queue(seeder, sites, partners)
    _seed_tonight(seeder, sites[0], partners[2])
    progress(
        f"{Booking.objects.count()} room bookings: weekly series, pending requests (one clashing), one declined"
    )


def _rooms(site):
    return list(site.rooms.filter(is_bookable=True).order_by("-capacity", "name"))


def _seed_series(seeder: _Seeder, sites, partners) -> None:
    t = dt.time
    first = _rooms(sites[0])
    seeder.approve(
        seeder.request(
            first[0],
            partners[0],
            _next(seeder.today, 1),
            t(18),
            t(20),
            "Family cooking club",
            weekly=True,
        )
    )
    seeder.approve(
        seeder.request(
            first[0],
            partners[1],
            _next(seeder.today, 5),
            t(10),
            t(12),
            "Saturday family football",
            weekly=True,
        )
    )
    for index, site in enumerate(sites[1:3], start=1):
        room = _rooms(site)[0]
        partner = partners[(index + 1) % len(partners)]
        seeder.approve(
            seeder.request(
                room,
                partner,
                _next(seeder.today, 1 + index),
                t(17, 30),
                t(19),
                "Homework club",
                weekly=True,
            )
        )


def _seed_queue(seeder: _Seeder, sites, partners) -> None:
    """An existing letting, a pending series clashing with it once, another
    pending request and a declined one."""
    t = dt.time
    rooms = _rooms(sites[0])
    room = rooms[1] if len(rooms) > 1 else rooms[0]
    clash_day = _next(seeder.today, 0, weeks_ahead=2)
    seeder.approve(
        seeder.request(
            room, partners[2], clash_day, t(18), t(20), "Community health talk"
        )
    )
    seeder.request(
        room,
        partners[1],
        _next(seeder.today, 0),
        t(18),
        t(19, 30),
        "Parents' coffee and chat",
        weekly=True,
        allow_clashes=True,
    )
    other = _rooms(sites[-1])[0]
    seeder.request(
        other,
        partners[0],
        _next(seeder.today, 4, weeks_ahead=1),
        t(16),
        t(18),
        "Benefits advice drop-in",
    )
    declined = seeder.request(
        other,
        partners[1],
        _next(seeder.today, 0, weeks_ahead=1),
        t(19),
        t(21),
        "Craft evening",
    )
    manager = _manager(other.site)
    if declined and manager:
        booking_decline(
            booking=declined,
            declined_by=manager,
            reason="The hall is being redecorated that week. Please try the week after.",
        )


def _seed_tonight(seeder: _Seeder, site, partner) -> None:
    """A letting this evening, so the caretaker's sheet has something on it."""
    rooms = _rooms(site)
    room = rooms[-1]
    now = timezone.localtime(timezone.now(), site.zoneinfo)
    if now.time() < dt.time(18) and now.weekday() < 5:
        seeder.approve(
            seeder.request(
                room,
                partner,
                now.date(),
                dt.time(18, 30),
                dt.time(20, 30),
                "Youth drop-in",
            )
        )
