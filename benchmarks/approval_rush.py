"""Approval contention (a benchmark, not a test). Run from the project root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/approval_rush.py

It builds a throwaway PostgreSQL database with one school, one room and
`--requests` pending requests from different partners, starts the real stack
with production settings (gunicorn + Celery on Redis, DEBUG off), and has the
business manager approve them all at the same moment through the API, twice:

1. clash: every request is for the same evening, so one approval wins and
   every other must get a 409 that names the clash, quickly;
2. apart: every request is for a different evening, so all are approved and
   each approval only queues on the room's lock.

Then it times a 39-week weekly series: the partner's request and the
manager's approval, one after another on the idle server.

It prints p50/p95/p99 per scenario, the CPU used, and checks the room: at most
one approved booking per evening, exactly one winner in the clash, no 5xx.
Exits non-zero if any check fails.
"""

import argparse
import datetime as dt
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import loadkit  # noqa: E402

SERIES_REPEATS = 10


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="approvals at once")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: conf)")
    parser.add_argument(
        "--threads", type=int, help="threads per worker (default: conf)"
    )
    args = parser.parse_args()
    if not 2 <= args.requests <= 500:
        parser.error("--requests must be 2-500")
    return args


def build_world(count: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from bookings.scheduling import room_calendar
    from hub.models import OpeningHours, Room, Site, StaffRole
    from partners.models import ComplianceDocument, Partner, PartnerMembership

    user_model = get_user_model()
    site = Site.objects.create(
        name="Bench Primary",
        slug="bench",
        address="1 Road",
        postcode="LS11 8ND",
        closed_on_bank_holidays=False,
    )
    for weekday in range(7):
        OpeningHours.objects.create(
            site=site, weekday=weekday, opens_at=dt.time(7), closes_at=dt.time(22)
        )
    room = Room(site=site, name="Hall", slug="hall", capacity=200)
    room_calendar(room)
    room.save()
    manager = user_model.objects.create_user("bench-manager", "m@example.org")
    StaffRole.objects.create(user=manager, site=site, role="business_manager")
    partners = []
    for n in range(count):
        partner = Partner.objects.create(
            name=f"Partner {n}",
            slug=f"partner-{n}",
            kind="charity",
            contact_name="A",
            contact_email=f"p{n}@example.org",
            status="approved",
        )
        user = user_model.objects.create_user(f"partner{n}", f"p{n}@example.org")
        PartnerMembership.objects.create(partner=partner, user=user)
        ComplianceDocument.objects.create(
            partner=partner,
            kind="insurance",
            file="insurance.pdf",
            expires_on=dt.date(2100, 1, 1),
            verified_at=timezone.now(),
        )
        partners.append((partner, user))
    today = timezone.localdate(timezone=site.zoneinfo)
    monday = today + dt.timedelta(days=7 - today.weekday())
    token = Token.objects.create(user=manager).key
    partner_token = Token.objects.create(user=partners[0][1]).key
    return room, partners, monday, token, partner_token


def request_evening(room, partner, user, day: dt.date, title: str, weeks: int = 1):
    from bookings.scheduling import Frequency, Recurrence
    from bookings.services import When, booking_request

    return booking_request(
        room=room,
        partner=partner,
        requested_by=user,
        title=title,
        expected_attendees=20,
        when=When(
            first_day=day,
            start=dt.time(18),
            end=dt.time(19, 30),
            recurrence=Recurrence(frequency=Frequency.WEEKLY, count=weeks),
        ),
    )


def approve(token: str, booking_id: int) -> bytes:
    return loadkit.http_request(
        "POST",
        f"/api/v1/bookings/{booking_id}/approve/",
        token=token,
        payload={"note": ""},
    )


def burst(stack, token: str, bookings, label: str):
    with loadkit.measured(stack) as meter:
        results, wall = loadkit.fire(
            stack.base, [approve(token, b.pk) for b in bookings]
        )
    statuses = Counter(r.status for r in results)
    print(f"{label}: {len(results)} approvals at once, HTTP statuses {dict(statuses)}")
    print("  " + loadkit.latency_line("all", [r.seconds for r in results]))
    for status in sorted(statuses):
        seconds = [r.seconds for r in results if r.status == status]
        print("  " + loadkit.latency_line(f"the {status}s", seconds))
    print("  " + meter.line(wall))
    return results, statuses


def check_clash(results, statuses, bookings) -> list[str]:
    from bookings.models import Booking

    problems = []
    approved = Booking.objects.filter(
        pk__in=[b.pk for b in bookings], status="approved"
    )
    if approved.count() != 1 or statuses.get(200) != 1:
        problems.append(
            f"clash: {approved.count()} approved, statuses {dict(statuses)}"
        )
    losers = [r for r in results if r.status == 409]
    if len(losers) != len(bookings) - 1:
        problems.append(f"clash: {len(losers)} got 409, expected {len(bookings) - 1}")
    elif not all("already booked" in str(r.body) for r in losers):
        problems.append(f"clash: a 409 does not name the clash: {losers[0].body}")
    return problems


def check_apart(statuses, bookings) -> list[str]:
    from bookings.models import Booking

    approved = Booking.objects.filter(
        pk__in=[b.pk for b in bookings], status="approved"
    )
    if approved.count() != len(bookings) or statuses.get(200) != len(bookings):
        return [f"apart: {approved.count()} approved, statuses {dict(statuses)}"]
    return []


def series(stack, room, partners, monday, token, partner_token) -> list[str]:
    """A 39-week series: request, then approval, each through the API."""
    partner = partners[0][0]
    requests, approvals, problems = [], [], []
    for n in range(SERIES_REPEATS):
        day = monday + dt.timedelta(days=n % 7, weeks=60 + 60 * (n // 7))
        body = {
            "room": room.pk,
            "partner": partner.pk,
            "title": f"Weekly club {n}",
            "expected_attendees": 20,
            "first_day": day.isoformat(),
            "start_time": "16:00",
            "end_time": "17:30",
            "frequency": "weekly",
            "count": 39,
        }
        request = loadkit.http_request(
            "POST", "/api/v1/bookings/", token=partner_token, payload=body
        )
        (made,), _ = loadkit.fire(stack.base, [request])
        if made.status != 201:
            return [f"series request answered {made.status}: {made.body}"]
        (done,), _ = loadkit.fire(stack.base, [approve(token, made.body["id"])])
        if done.status != 200:
            return [f"series approval answered {done.status}: {done.body}"]
    times = stack.server_times("/api/v1/bookings/")
    requests, approvals = times[0::2], times[1::2]
    print(f"39-week series, {SERIES_REPEATS} times on the idle server (server time):")
    for label, values in (("request", requests), ("approval", approvals)):
        print(
            f"  {label}: p50 {loadkit.percentile(values, 50):.1f} ms  "
            f"max {max(values):.1f} ms"
        )
    return problems


def main() -> None:
    args = parse_args()
    problems = []
    with loadkit.Stack(
        "approval_rush", workers=args.workers, threads=args.threads
    ) as stack:
        room, partners, monday, token, partner_token = build_world(args.requests)
        clash = [
            request_evening(room, p, u, monday + dt.timedelta(days=1), f"Clash {n}")
            for n, (p, u) in enumerate(partners)
        ]
        apart = [
            request_evening(room, p, u, monday + dt.timedelta(days=n + 7), f"Apart {n}")
            for n, (p, u) in enumerate(partners)
        ]
        warm_up = [
            request_evening(room, p, u, monday + dt.timedelta(weeks=30, days=n), "Warm")
            for n, (p, u) in enumerate(partners)
        ]
        stack.serve()
        loadkit.fire(
            stack.base, [approve(token, b.pk) for b in warm_up]
        )  # not measured
        stack.server_times("/")
        results, statuses = burst(stack, token, clash, "Clash (one evening)")
        problems += check_clash(results, statuses, clash)
        results, statuses = burst(stack, token, apart, "Apart (different evenings)")
        problems += check_apart(statuses, apart)
        stack.server_times("/")  # clear
        problems += series(stack, room, partners, monday, token, partner_token)
    for p in problems:
        print(f"FAILED: {p}")
    print(
        "Checks: one winner per evening, fast 409s, no 5xx: "
        + ("OK" if not problems else "FAILED")
    )
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
