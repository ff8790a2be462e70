"""Booking benchmark (not a test). Run from the project root:

    .venv/bin/python benchmarks/bookings_benchmark.py            # SQLite temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bookings_benchmark.py        # PostgreSQL

It builds its own throwaway database (a temp SQLite file, or a `bench_bookings`
database on the PostgreSQL server), fills one room with 2,000 approved slots
(40 weekly series of 50 through the real services), then measures:

1. request + approve a 39-week weekly series in that room (our path: one
   range query on materialised slots + a sweep, under the room lock);
2. a site-week availability query over 20 rooms;
3. the same conflict check done the naive way: expand every django-scheduler
   event of the room's calendar in Python (schedule.Period) and compare pairs.
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
if "DATABASE_URL" not in os.environ:
    TMP = tempfile.mkdtemp(prefix="bookings-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/seed.sqlite3"
    os.environ["DATABASE_TEST_NAME"] = f"{TMP}/bench.sqlite3"
else:
    os.environ.setdefault("DATABASE_TEST_NAME", "bench_bookings")

os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

from hub.celery import app  # noqa: E402

# As in production, an email is a message put on the queue (here Celery's
# in-memory transport), not rendered and sent inside the request.
app.conf.task_always_eager = False

import logging  # noqa: E402

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

logging.disable(logging.WARNING)

SERIES_FOR_FILL = 40
FILL_COUNT = 50
NEW_WEEKS = 39
ROOMS = 20


def _timed(fn, repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _world():
    from django.contrib.auth import get_user_model

    from bookings.scheduling import room_calendar
    from hub.models import OpeningHours, Room, Site, StaffRole
    from partners.models import ComplianceDocument, Partner, PartnerMembership

    User = get_user_model()
    site = Site.objects.create(
        name="Bench School", slug="bench", address="1 Road", postcode="LS6 2AB"
    )
    for weekday in range(7):
        OpeningHours.objects.create(
            site=site, weekday=weekday, opens_at=dt.time(7), closes_at=dt.time(22)
        )
    rooms = []
    for i in range(ROOMS):
        room = Room(
            site=site,
            name=f"Room {i:02d}",
            slug=f"room-{i}",
            capacity=100,
            rate_evening_pence=3000,
        )
        room_calendar(room)
        room.save()
        rooms.append(room)
    manager = User.objects.create(username="bench-manager")
    StaffRole.objects.create(user=manager, site=site, role="business_manager")
    partner = Partner.objects.create(
        name="Bench Partner",
        slug="bench-partner",
        kind="charity",
        contact_name="A",
        contact_email="a@example.org",
        status="approved",
    )
    user = User.objects.create(username="bench-partner-user")
    PartnerMembership.objects.create(partner=partner, user=user)
    ComplianceDocument.objects.create(
        partner=partner,
        kind="insurance",
        file="x.pdf",
        expires_on=dt.date(2100, 1, 1),
        verified_at=timezone.now(),
    )
    site.closed_on_bank_holidays = False
    site.save()
    return site, rooms, manager, partner, user


def _series(room, partner, user, first_day, start_hour, count, title, *, minutes=30):
    from bookings.scheduling import Frequency, Recurrence
    from bookings.services import When, booking_request

    start = dt.time(start_hour, 0)
    end = (dt.datetime.combine(first_day, start) + dt.timedelta(minutes=minutes)).time()
    return booking_request(
        room=room,
        partner=partner,
        requested_by=user,
        title=title,
        expected_attendees=10,
        when=When(
            first_day=first_day,
            start=start,
            end=end,
            recurrence=Recurrence(frequency=Frequency.WEEKLY, count=count),
        ),
    )


def _fill(room, partner, user, manager, monday):
    """2,000 approved slots: 40 weekly series of 50, mornings and afternoons."""
    from bookings.services import booking_approve

    combos = [(d, h) for d in range(7) for h in range(7, 13)][:SERIES_FOR_FILL]
    for n, (day, hour) in enumerate(combos):
        booking = _series(
            room,
            partner,
            user,
            monday + dt.timedelta(days=day),
            hour,
            FILL_COUNT,
            f"Fill {n}",
        )
        booking_approve(booking=booking, approved_by=manager)


def _ours(room, partner, user, manager, monday, phases):
    """Request then approve a 39-week series; `phases` collects the time of
    each half (ms) as well."""
    from bookings.services import booking_approve

    def run(i):
        day = monday + dt.timedelta(days=i % 7)
        started = time.perf_counter()
        booking = _series(
            room,
            partner,
            user,
            day,
            18 + 2 * (i // 7),
            NEW_WEEKS,
            f"New {i}",
            minutes=45,
        )
        requested = time.perf_counter()
        booking_approve(booking=booking, approved_by=manager)
        phases["request"].append((requested - started) * 1000)
        phases["approve"].append((time.perf_counter() - requested) * 1000)

    return run


def _our_check(room, monday):
    from bookings.services.checks import Occ, _clashes

    zone = room.site.zoneinfo
    occs = []
    for week in range(NEW_WEEKS):
        start = dt.datetime.combine(
            monday + dt.timedelta(weeks=week, days=1), dt.time(10), tzinfo=zone
        )
        occs.append(
            Occ(
                start,
                start + dt.timedelta(hours=1),
                start,
                start + dt.timedelta(hours=1),
            )
        )

    def run(_i):
        assert _clashes(room, occs, None)  # Tuesdays 10:00 clash with the fill

    return run, occs


def _naive_check(room, occs):
    """Expand every event on the room's calendar with schedule.Period (through
    the adapter), then compare each new occurrence with each expanded one."""
    from bookings.scheduling import room_occurrences_between

    lo, hi = occs[0].start, occs[-1].end

    def run(_i):
        existing = room_occurrences_between(room=room, start=lo, end=hi)
        found = [
            (o, e)
            for o in occs
            for e in existing
            if o.start < e.end and e.start < o.end
        ]
        assert found

    return run


def _availability(site, rooms, monday):
    from bookings.availability import site_availability

    def run(i):
        start = monday + dt.timedelta(weeks=i % 20)
        site_availability(
            site=site, rooms=rooms, start=start, end=start + dt.timedelta(days=6)
        )

    return run


def main() -> None:
    vendor = connection.vendor
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        site, rooms, manager, partner, user = _world()
        today = timezone.localdate(timezone=site.zoneinfo)
        monday = today + dt.timedelta(days=7 - today.weekday())
        t0 = time.perf_counter()
        _fill(rooms[0], partner, user, manager, monday)
        fill_s = time.perf_counter() - t0
        phases = {"request": [], "approve": []}
        ours = _timed(_ours(rooms[0], partner, user, manager, monday, phases), 10)
        check_run, occs = _our_check(rooms[0], monday)
        our_check = _timed(check_run, 10)
        naive = _timed(_naive_check(rooms[0], occs), 3)
        avail = _timed(_availability(site, rooms, monday), 20)
        _report(vendor, fill_s, ours, phases, our_check, naive, avail)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _report(vendor, fill_s, ours, phases, our_check, naive, avail) -> None:
    from bookings.models import Slot  # noqa: F401  (import check only)

    med = statistics.median
    rows = [
        (
            "request + approve 39-week series (room with 2,000 slots)",
            med(ours),
            min(ours),
        ),
        ("  the request", med(phases["request"]), min(phases["request"])),
        ("  the approval", med(phases["approve"]), min(phases["approve"])),
        (
            "  of which: conflict check, materialised slots",
            med(our_check),
            min(our_check),
        ),
        (
            "  naive: expand django-scheduler occurrences in Python",
            med(naive),
            min(naive),
        ),
        ("site-week availability, 20 rooms", med(avail), min(avail)),
    ]
    print(
        f"\nBookings benchmark on {vendor} (filling 2,000 slots took {fill_s:.1f} s)\n"
    )
    print(f"{'measure':60} {'median ms':>10} {'best ms':>10}")
    print("-" * 82)
    for label, median, best in rows:
        print(f"{label:60} {median:10.1f} {best:10.1f}")
    print("-" * 82)
    print(f"naive check / our check:           {med(naive) / med(our_check):8.1f}x")
    print(f"naive check / our whole series:    {med(naive) / med(ours):8.1f}x")
    halves = max(med(phases["request"]), med(phases["approve"]))
    print(
        f"aim: request and approval each under 25 ms -> "
        f"{'met' if halves < 25 else 'NOT met'}; "
        f"series under 50 ms -> {'met' if med(ours) < 50 else 'NOT met'}; "
        f"at least 20x faster than naive -> {'met' if med(naive) / med(our_check) >= 20 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
