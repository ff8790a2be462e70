"""Launch-day sign-up rush (a benchmark, not a test). Run from the project root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/signup_rush.py                  # 300 families, 30 places
    DATABASE_URL=... .venv/bin/python benchmarks/signup_rush.py \\
        --activities 300 --clients 3000                              # a county-wide launch

It builds a throwaway PostgreSQL database, `--activities` published holiday
clubs of `--places` places and `--clients` one-child households with API
tokens, then starts the real stack with production settings (gunicorn with the
repo's gunicorn.conf.py, DEBUG off; a Celery worker on Redis sending the
emails) and:

1. idle: 100 sign-ups to a separate activity, one every IDLE_GAP seconds so
   that the server is idle when each arrives (the previous family's email
   has been sent): the server's own time per sign-up (gunicorn's access log)
   and the client's;
2. rush: every client signs its household up at the same moment (an asyncio
   client, one connection each, clients spread evenly over the activities).

It prints sign-ups per second, latency p50/p95/p99, the CPU used by the
server, PostgreSQL, Redis, Celery and the client, then checks every activity
in the database: exactly `--places` confirmed (or all, if fewer came), the
rest waitlisted 1..N in the order the server took them, no error, every email
sent. Exits non-zero on any oversell, lost sign-up, 5xx or failed request.
"""

import argparse
import datetime as dt
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import loadkit  # noqa: E402

IDLE_SIGNUPS = 100
WARM_UP = 100  # sign-ups to the idle activity before measuring, 5 at a time
IDLE_GAP = 0.1  # seconds between idle sign-ups: the worker sends an email in ~5 ms


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=300, help="families (1-5000)")
    parser.add_argument("--places", type=int, default=30, help="places per activity")
    parser.add_argument(
        "--activities", type=int, default=1, help="activities the families share"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: conf)")
    parser.add_argument(
        "--threads", type=int, help="threads per worker (default: conf)"
    )
    parser.add_argument("--timeout", type=float, default=60, help="seconds per request")
    parser.add_argument(
        "--spread",
        type=float,
        default=0.0,
        help="families arrive evenly over this many seconds (default: all at once)",
    )
    parser.add_argument(
        "--admission",
        type=int,
        default=0,
        help="emulate a per-server admission limit: at most N sign-ups in flight, "
        "the rest told 429 Retry-After 1 s (default: no limit)",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 5000 or not 1 <= args.places <= 1000:
        parser.error("--clients must be 1-5000 and --places 1-1000")
    if not 1 <= args.activities <= min(args.clients, 1000):
        parser.error("--activities must be 1-1000 and no more than --clients")
    return args


def build_world(activities: int, places: int, clients: int):
    """`activities` published series (one session a week from now) in one room
    each, plus one roomy activity for the idle measurement; `clients`
    households of one child each, with tokens."""
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
    partner = Partner.objects.create(
        name="Bench Play",
        slug="bench",
        kind="charity",
        contact_name="B",
        contact_email="b@example.org",
        status="approved",
    )
    owner = get_user_model().objects.create_user("bench-owner")
    start = timezone.now() + dt.timedelta(days=7)
    ids = []
    for n in range(activities + 1):
        room = Room(site=site, name=f"Room {n}", slug=f"room-{n}", capacity=2000)
        room_calendar(room)
        room.save()
        booking = Booking.objects.create(
            partner=partner,
            room=room,
            title=f"Holiday club {n}",
            expected_attendees=places,
            status="approved",
            requested_by=owner,
        )
        slot = Slot.objects.create(
            booking=booking,
            room=room,
            original_start=start,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=6),
            buffered_start=start,
            buffered_end=start + dt.timedelta(hours=6),
        )
        schedule_sync(booking=booking)
        activity = Activity.objects.create(
            partner=partner,
            booking=booking,
            title=f"Holiday club {n}",
            description="Games, lunch and a trip.",
            category="holiday_club",
            capacity=places if n else clients,  # activity 0: the idle measurement
            status="published",
            created_by=owner,
        )
        Session.objects.create(
            activity=activity, slot=slot, starts_at=slot.starts_at, ends_at=slot.ends_at
        )
        ids.append(activity.pk)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"family{i:05d}", email=f"family{i:05d}@example.org")
        for i in range(clients)
    )
    households = Household.objects.bulk_create(
        Household(user=u, name=f"Family {i}", reference=f"R{i:07d}", email=u.email)
        for i, u in enumerate(users)
    )
    children = HouseholdMember.objects.bulk_create(
        HouseholdMember(household=h, kind="child", first_name="Sam") for h in households
    )
    tokens = Token.objects.bulk_create(
        Token(user=u, key=Token.generate_key()) for u in users
    )
    families = [(t.key, c.pk) for t, c in zip(tokens, children, strict=True)]
    return ids[0], ids[1:], families


def signup(token: str, activity_id: int, member_id: int) -> bytes:
    return loadkit.http_request(
        "POST",
        "/api/v1/signups/",
        token=token,
        payload={"activity_id": activity_id, "member_ids": [member_id]},
    )


def idle(stack, activity_id: int, families) -> None:
    # Warm every worker's sign-up path first (imports, URL resolver, caches).
    warm = [signup(t, activity_id, m) for t, m in families[-WARM_UP:]]
    for start in range(0, len(warm), 5):
        loadkit.fire(stack.base, warm[start : start + 5])
    stack.server_times("/api/v1/signups/")  # not measured
    client = []
    for token, member in families[:IDLE_SIGNUPS]:  # noqa: B007
        results, wall = loadkit.fire(stack.base, [signup(token, activity_id, member)])
        if results[0].status != 201:
            stack.fail(f"idle sign-up answered {results[0].status}: {results[0].body}")
        client.append(wall)
        time.sleep(IDLE_GAP)
    server = stack.server_times("/api/v1/signups/")
    print(f"Idle server, {IDLE_SIGNUPS} sign-ups, one every {IDLE_GAP * 1000:.0f} ms:")
    print(
        f"  server time min {min(server):.1f} ms  p50 {loadkit.percentile(server, 50):.1f} ms  "
        f"p95 {loadkit.percentile(server, 95):.1f} ms"
    )
    print("  " + loadkit.latency_line("seen by the client", client))


def rush(stack, activity_ids: list[int], families, args):
    chosen = [activity_ids[i % len(activity_ids)] for i in range(len(families))]
    requests = [
        signup(token, a, member)
        for (token, member), a in zip(families, chosen, strict=True)
    ]
    with loadkit.measured(stack) as meter:
        results, wall = loadkit.fire(
            stack.base,
            requests,
            timeout=args.timeout,
            spread=args.spread,
            admission=args.admission,
        )
    emails_sent = stack.wait_for_queue_empty()
    return results, wall, meter, chosen, emails_sent


def report(stack, results, wall, meter, chosen, places: int) -> bool:

    statuses = defaultdict(int)
    for r in results:
        statuses[r.status] += 1
    ok_results = [r for r in results if r.status == 201]
    confirmed = sum(1 for r in ok_results if r.body.get("status") == "confirmed")
    server = stack.server_times("/api/v1/signups/")
    print(
        f"Rush: {len(results)} families at once onto {len(set(chosen))} "
        f"activit{'y' if len(set(chosen)) == 1 else 'ies'} of {places} places"
    )
    print(f"  HTTP statuses: {dict(sorted(statuses.items()))}")
    for r in results:
        if r.status != 201:
            print(f"  first failure: {r.status} {r.error or r.body}")
            break
    print(
        f"  sign-ups per second: {len(ok_results) / wall:.1f} "
        f"({confirmed} confirmed, {len(ok_results) - confirmed} waitlisted, "
        f"wall {wall:.2f} s)"
    )
    print(
        "  "
        + loadkit.latency_line("latency seen by families", [r.seconds for r in results])
    )
    print(
        f"  server time per sign-up: p50 {loadkit.percentile(server, 50):.0f} ms  "
        f"p99 {loadkit.percentile(server, 99):.0f} ms"
    )
    print("  " + meter.line(wall))
    fairness(results, chosen, places)
    return check(results, chosen, places, statuses)


def fairness(results, chosen, places: int) -> None:
    """Did the server keep the families' arrival order? Per activity: of the
    first `places` families to arrive, how many got a place; and the share of
    pairs of families served in the opposite order to their arrival."""
    by_activity = defaultdict(list)
    for r, a in zip(results, chosen, strict=True):
        if r.status == 201:
            by_activity[a].append((r.started, r.body["id"], r.body["status"]))
    first_in, gaps, pairs = 0, [], 0
    for rows in by_activity.values():
        rows.sort()
        first_in += sum(1 for _, _, status in rows[:places] if status != "waitlisted")
        for i, (came, signup_id, _) in enumerate(rows):
            gaps += [
                (later - came) * 1000
                for later, other_id, _ in rows[i + 1 :]
                if other_id < signup_id
            ]
        pairs += len(rows) * (len(rows) - 1) // 2
    firsts = sum(min(places, len(rows)) for rows in by_activity.values())
    print(
        f"  Arrival order: {first_in} of the first {firsts} arrivals got a place; "
        f"{100 * len(gaps) / max(1, pairs):.1f}% of pairs served out of order"
        + (
            f", those arrived p95 {loadkit.percentile(gaps, 95):.0f} ms "
            f"(max {max(gaps):.0f} ms) apart"
            if gaps
            else ""
        )
    )


def check(results, chosen, places: int, statuses) -> bool:
    """Every activity exactly full, the waitlist 1..N in the server's order."""
    from django.db.models import Count, Q, Sum

    from activities.models import SignUp

    arrivals = defaultdict(int)
    for a in chosen:
        arrivals[a] += 1
    rows = (
        SignUp.objects.filter(activity_id__in=arrivals)
        .values("activity_id")
        .annotate(
            held=Sum("places", filter=Q(status="confirmed")),
            waiting=Count("pk", filter=Q(status="waitlisted")),
        )
    )
    problems = []
    for row in rows:
        came = arrivals[row["activity_id"]]
        if (row["held"] or 0) != min(places, came) or row["waiting"] != came - min(
            places, came
        ):
            problems.append(f"activity {row['activity_id']}: {row}")
    by_activity = defaultdict(list)
    for r, a in zip(results, chosen, strict=True):
        if r.status == 201 and r.body.get("waitlist_position"):
            by_activity[a].append((r.body["id"], r.body["waitlist_position"]))
    for a, pairs in by_activity.items():
        if [p for _, p in sorted(pairs)] != list(range(1, len(pairs) + 1)):
            problems.append(f"activity {a}: waitlist not 1..N in the order taken")
    if set(statuses) != {201}:
        problems.append(f"not every request got 201: {dict(statuses)}")
    if len(rows) != len(arrivals):
        problems.append("some activities have no sign-ups at all")
    for p in problems[:10]:
        print(f"  FAILED: {p}")
    print(
        "  Checked: no oversell, every family answered, waitlists 1..N: "
        + ("OK" if not problems else "FAILED")
    )
    return not problems


def check_emails(stack, drained: bool) -> bool:
    """One email per sign-up (place or waitlist), sent by the Celery worker."""
    from activities.models import SignUp

    expected = SignUp.objects.count()
    sent = stack.emails_sent(expected)
    ok = drained and sent == expected
    print(
        f"  Emails: {sent} of {expected} sent by the Celery worker after the rush: "
        + ("OK" if ok else "FAILED")
    )
    return ok


def main() -> None:
    args = parse_args()
    with loadkit.Stack(
        "signup_rush", workers=args.workers, threads=args.threads
    ) as stack:
        idle_id, activity_ids, families = build_world(
            args.activities, args.places, args.clients
        )
        stack.serve()
        idle(stack, idle_id, families)
        stack.wait_for_queue_empty()  # the idle phase's emails are not the rush's
        results, wall, meter, chosen, emails_sent = rush(
            stack, activity_ids, families, args
        )
        ok = report(stack, results, wall, meter, chosen, args.places)
        ok = check_emails(stack, emails_sent) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
