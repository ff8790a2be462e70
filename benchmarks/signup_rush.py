"""Sign-up rush benchmark (a script, not a test). Run from the project root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/signup_rush.py --clients 200 --places 30

It creates a throwaway PostgreSQL database next to the one in DATABASE_URL
(`bench_signup_rush_<pid>`), migrates it and creates one published activity
with `--places` places and `--clients` households, each with an API token.
It then starts the real server (gunicorn, bound to 127.0.0.1 only) on that
database and fires `--clients` concurrent clients (threads using urllib), each
signing its household up once, all released together. It prints confirmed
sign-ups per second and p50/p95/p99 latency, checks the database for oversell
(exits non-zero if any), then stops the server and drops the database.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from json import dumps, loads
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", type=int, default=200, help="concurrent households (1-1000)"
    )
    parser.add_argument("--places", type=int, default=30, help="places in the activity")
    parser.add_argument(
        "--workers", type=int, default=4, help="gunicorn worker processes"
    )
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per gunicorn worker"
    )
    parser.add_argument("--timeout", type=float, default=60, help="seconds per request")
    args = parser.parse_args()
    if not 1 <= args.clients <= 1000 or not 1 <= args.places <= 1000:
        parser.error("--clients and --places must be between 1 and 1000")
    return args


def require_postgres() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(
            "signup_rush.py needs PostgreSQL: set DATABASE_URL, for example\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres "
            ".venv/bin/python benchmarks/signup_rush.py\n"
            "(SQLite serialises every write, so a rush there measures nothing useful)."
        )
    return url


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()


def build_world(clients: int, places: int) -> tuple[int, list[tuple[str, int]]]:
    """One activity and `clients` one-person households with tokens."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from activities.models import Activity, Household, HouseholdMember, Session
    from bookings.models import Booking, Slot
    from bookings.scheduling import room_calendar, schedule_sync
    from hub.models import Room, Site
    from partners.models import Partner

    site = Site.objects.create(
        name="Bench Primary", slug="bench", address="1 Road", postcode="LS11 8ND"
    )
    room = Room(site=site, name="Hall", slug="hall", capacity=max(places, 1000))
    room_calendar(room)
    room.save()
    partner = Partner.objects.create(
        name="Bench",
        slug="bench",
        kind="charity",
        contact_name="B",
        contact_email="b@example.org",
        status="approved",
    )
    user_model = get_user_model()
    owner = user_model.objects.create_user("bench-owner")
    start = timezone.now() + dt.timedelta(days=7)
    end = start + dt.timedelta(hours=2)
    booking = Booking.objects.create(
        partner=partner,
        room=room,
        title="Rush",
        expected_attendees=places,
        status="approved",
        requested_by=owner,
    )
    slot = Slot.objects.create(
        booking=booking,
        room=room,
        original_start=start,
        starts_at=start,
        ends_at=end,
        buffered_start=start,
        buffered_end=end,
    )
    schedule_sync(booking=booking)  # the schedule rows follow the slot
    activity = Activity.objects.create(
        partner=partner,
        booking=booking,
        title="Holiday club rush",
        description="Benchmark",
        category="holiday_club",
        capacity=places,
        status="published",
        created_by=owner,
    )
    Session.objects.create(
        activity=activity, slot=slot, starts_at=slot.starts_at, ends_at=slot.ends_at
    )
    users = user_model.objects.bulk_create(
        user_model(username=f"rush{i:04d}") for i in range(clients)
    )
    households = Household.objects.bulk_create(
        Household(user=u, name=f"Rush {u.username}", reference=f"R{i:07d}")
        for i, u in enumerate(users)
    )
    members = HouseholdMember.objects.bulk_create(
        HouseholdMember(household=h, kind="carer", first_name="Carer")
        for h in households
    )
    tokens = Token.objects.bulk_create(
        Token(user=u, key=Token.generate_key()) for u in users
    )
    return activity.pk, [(t.key, m.pk) for t, m in zip(tokens, members, strict=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "true",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "hub.wsgi:application",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "/dev/null",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def wait_ready(base: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited before it was ready")
        try:
            with urllib.request.urlopen(
                f"{base}/api/v1/activities/", timeout=2
            ) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    sys.exit("gunicorn did not answer within 30 seconds")


def rush(base: str, activity_id: int, households, timeout: float):
    barrier = threading.Barrier(len(households))
    results: list[tuple[int, float, dict]] = [None] * len(households)

    def one(index: int, token: str, member_id: int) -> None:
        body = dumps({"activity_id": activity_id, "member_ids": [member_id]}).encode()
        request = urllib.request.Request(
            f"{base}/api/v1/signups/",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Token {token}",
            },
        )
        barrier.wait(timeout=60)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, payload = response.status, loads(response.read())
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, loads(exc.read() or b"{}")
        except (urllib.error.URLError, TimeoutError) as exc:
            status, payload = 0, {"error": str(exc)}
        results[index] = (status, time.perf_counter() - started, payload)

    threads = [
        threading.Thread(target=one, args=(i, t, m))
        for i, (t, m) in enumerate(households)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + 60)
    return results, time.perf_counter() - began


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(results, elapsed: float, activity_id: int, places: int) -> bool:
    from django.db.models import Sum

    from activities.models import SignUp

    latencies = [r[1] * 1000 for r in results if r]
    statuses = sorted({r[0] for r in results if r})
    confirmed_http = sum(1 for r in results if r and r[2].get("status") == "confirmed")
    held = (
        SignUp.objects.filter(activity_id=activity_id, status="confirmed").aggregate(
            n=Sum("places")
        )["n"]
        or 0
    )
    waiting = SignUp.objects.filter(
        activity_id=activity_id, status="waitlisted"
    ).count()
    positions = sorted(
        r[2].get("waitlist_position")
        for r in results
        if r and r[2].get("waitlist_position")
    )
    print(f"Clients: {len(results)}   places: {places}   wall time: {elapsed:.2f} s")
    print(f"HTTP statuses: {statuses}")
    print(f"Confirmed sign-ups per second: {confirmed_http / elapsed:.1f}")
    print(f"All sign-ups per second: {len(latencies) / elapsed:.1f}")
    print(
        f"Latency ms: p50 {percentile(latencies, 50):.0f}  p95 {percentile(latencies, 95):.0f}  "
        f"p99 {percentile(latencies, 99):.0f}  max {max(latencies):.0f}"
    )
    print(f"Database: {held} places confirmed, {waiting} waitlisted")
    ok = held == min(places, len(results)) and positions == list(
        range(1, len(positions) + 1)
    )
    ok = ok and statuses == [201] and waiting == len(results) - held
    print(
        "No oversell, FCFS waitlist 1..N: OK"
        if ok
        else "FAILED: oversell or lost sign-ups"
    )
    return ok


def main() -> None:
    args = parse_args()
    admin_url = require_postgres()
    name = f"bench_signup_rush_{os.getpid()}"
    admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    url = with_database(admin_url, name)
    server = None
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        activity_id, households = build_world(args.clients, args.places)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, port, args.workers, args.threads)
        wait_ready(base, server)
        results, elapsed = rush(base, activity_id, households, args.timeout)
        ok = report(results, elapsed, activity_id, args.places)
        connections.close_all()
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
