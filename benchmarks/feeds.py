"""Calendar feed benchmark (not a test). Run from the project root:

    .venv/bin/python benchmarks/feeds.py                     # SQLite temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/feeds.py                 # PostgreSQL

It builds its own throwaway database (a temp SQLite file, or a `bench_feeds`
database on the PostgreSQL server): one school with 10 rooms and 2,000
approved lettings over a school year (some cancelled), and a business manager
subscribed to the school's feed. Through the whole Django stack (test client,
middleware, gzip) it measures:

1. the first request for the feed (it stores the feed's SEQUENCE state), after
   one request to an unknown feed has loaded the URLs and views;
2. a full answer afterwards (200, no If-None-Match), as a client that lost
   its cache would ask;
3. the repeat a calendar client makes every hour (If-None-Match: 304);
4. a full answer with gzip.

Each figure is the median of 15 requests (the first request is one), with the
number of queries per request. The aim (issue 10): under 200 ms for 2,000
events, with a number of queries that does not grow with the feed.
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
if "DATABASE_URL" not in os.environ:
    TMP = tempfile.mkdtemp(prefix="feeds-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/seed.sqlite3"
    os.environ["DATABASE_TEST_NAME"] = f"{TMP}/bench.sqlite3"
else:
    os.environ.setdefault("DATABASE_TEST_NAME", "bench_feeds")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

logging.disable(logging.WARNING)

EVENTS = 2000
ROOMS = 10
REPEAT = 15


def _world():
    """A school, its rooms and 2,000 lettings (200 per room, every weekday
    evening from September), 1 in 25 cancelled; returns the feed's path."""
    from zoneinfo import ZoneInfo

    from django.contrib.auth import get_user_model

    from bookings.models import Booking, Slot
    from calendars import selectors, services
    from calendars.models import FeedToken
    from hub.models import Room, Site, StaffRole
    from partners.models import Partner

    user_model = get_user_model()
    zone = ZoneInfo("Europe/London")
    site = Site.objects.create(
        name="Bench School", slug="bench", address="1 Road", postcode="LS6 2AB"
    )
    manager = user_model.objects.create_user("bench-bm", password="x")
    StaffRole.objects.create(user=manager, site=site, role="business_manager")
    partner = Partner.objects.create(name="Bench Partner", slug="bench-partner")
    slots = []
    for r in range(ROOMS):
        room = Room.objects.create(
            site=site, name=f"Room {r}", slug=f"room-{r}", capacity=30
        )
        booking = Booking.objects.create(
            partner=partner,
            room=room,
            title=f"Club {r}, with a comma; and a semicolon",
            expected_attendees=10,
            status=Booking.Status.APPROVED,
            requested_by=manager,
        )
        day = dt.date(2026, 9, 1)
        for n in range(EVENTS // ROOMS):
            start = dt.datetime.combine(day, dt.time(17 + r % 3), tzinfo=zone)
            end = start + dt.timedelta(hours=1)
            cancelled = n % 25 == 0
            slots.append(
                Slot(
                    booking=booking,
                    room=room,
                    original_start=start,
                    starts_at=start,
                    ends_at=end,
                    buffered_start=start - dt.timedelta(minutes=15),
                    buffered_end=end + dt.timedelta(minutes=15),
                    is_active=not cancelled,
                    state=Slot.State.CANCELLED if cancelled else Slot.State.PLANNED,
                )
            )
            day += dt.timedelta(days=1)
    Slot.objects.bulk_create(slots, batch_size=500)
    token = services.feed_token_issue(
        actor=manager, kind=FeedToken.Kind.SITE, target=site
    )
    return urlsplit(selectors.feed_links([token])[0].https_url).path


def _measure(client, path, repeat, **headers):
    """Median wall-clock and CPU milliseconds (CPU: this process only, so on a
    shared machine it shows what the request costs; on PostgreSQL the server's
    work is left out of it), queries, status and size."""
    times, cpu, queries, status, size = [], [], [], None, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, **headers)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        queries.append(len(ctx.captured_queries))
        status, size = response.status_code, len(response.content)
    return statistics.median(times), statistics.median(cpu), max(queries), status, size


def main() -> None:
    from django.utils import timezone

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        path = _world()
        client = Client(HTTP_HOST="127.0.0.1")
        client.get("/calendars/feed/warm-up.ics")  # load the URLs and views: a 404
        vendor = connection.vendor
        print(f"Calendar feed, {EVENTS} events, {vendor}, {timezone.now():%Y-%m-%d}")
        rows = [("first request (stores state)", _measure(client, path, 1))]
        etag = client.get(path)["ETag"]
        rows.append(("full answer, 200", _measure(client, path, REPEAT)))
        rows.append(
            (
                "repeat with If-None-Match, 304",
                _measure(client, path, REPEAT, HTTP_IF_NONE_MATCH=etag),
            )
        )
        rows.append(
            (
                "full answer, gzip",
                _measure(client, path, REPEAT, HTTP_ACCEPT_ENCODING="gzip"),
            )
        )
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        head = f"{'request':34} {'wall ms':>8} {'cpu ms':>7} {'queries':>7}"
        print(f"{head} {'status':>6} {'bytes':>8}")
        for label, (ms, cpu, queries, status, size) in rows:
            print(f"{label:34} {ms:8.1f} {cpu:7.1f} {queries:7d} {status:6d} {size:8d}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
