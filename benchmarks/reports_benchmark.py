"""Impact report benchmark (not a test). Run from the project root:

    .venv/bin/python benchmarks/reports_benchmark.py             # SQLite temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/reports_benchmark.py         # PostgreSQL

It builds a throwaway database (a temp SQLite file, or `bench_reports` on the
PostgreSQL server) and generates, with bulk inserts: 20 schools in one trust,
20 partners, --activities activities (default 200) with a weekly session
through the school year, --households households (default 50,000) with one to
three members, two whole-series sign-ups each, --attendance register marks
(default 1,000,000), referrals and walk-in counts. Then it times each report
(every reader's scope, every breakdown, the termly return; median of 3) and
counts its queries, which must not depend on the data's size. Before that
it checks the attended-marks rollup against the marks, times a rebuild and
one register tap (reports/rollup.py). `--keep` keeps the database (and uses
it again); `--keep --generate-only` only builds it. Figures and the command
with production settings: docs/benchmarks.md ("Reports").
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
if "DATABASE_URL" not in os.environ:
    TMP = tempfile.mkdtemp(prefix="reports-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/seed.sqlite3"
    os.environ["DATABASE_TEST_NAME"] = f"{TMP}/bench.sqlite3"
else:
    os.environ.setdefault("DATABASE_TEST_NAME", "bench_reports")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SITES, PARTNERS, WEEKS = 20, 20, 38
BATCH = 5000
YEAR_START = dt.datetime(2025, 9, 8, 16, 0, tzinfo=dt.UTC)
POSTCODES = [f"LS{d} {n}AB" for d in range(1, 30) for n in range(1, 10)]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=200)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--attendance", type=int, default=1_000_000)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database afterwards, and use it again if it is there "
        "(to profile with EXPLAIN ANALYZE without generating it each time)",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="with --keep: generate the database and stop (measure later, "
        "on a quiet machine)",
    )
    parser.add_argument(
        "--work-mem",
        default="",
        help="PostgreSQL only: measure again with this work_mem (e.g. 64MB)",
    )
    return parser.parse_args()


def _bulk(model, rows):
    model.objects.bulk_create(rows, batch_size=BATCH)


def generate(args, rng):
    from django.contrib.auth import get_user_model

    from activities.models import Activity, Household, HouseholdMember, Session
    from bookings.models import Booking, Slot
    from hub.models import OpeningHours, Room, Site, Trust
    from partners.models import Partner

    user = get_user_model().objects.create(username="bench", is_superuser=True)
    trust = Trust.objects.create(name="Bench Trust", slug="bench-trust")
    _bulk(
        Site,
        [
            Site(
                trust=trust,
                name=f"School {i}",
                slug=f"s{i}",
                address="x",
                postcode="LS6 2AB",
            )
            for i in range(SITES)
        ],
    )
    sites = list(Site.objects.all())
    _bulk(
        OpeningHours,
        [
            OpeningHours(site=s, weekday=d, opens_at=dt.time(15), closes_at=dt.time(21))
            for s in sites
            for d in range(5)
        ],
    )
    _bulk(
        Room,
        [
            Room(site=s, name=f"Hall {r}", slug=f"h{r}", capacity=60)
            for s in sites
            for r in range(3)
        ],
    )
    rooms = list(Room.objects.all())
    _bulk(
        Partner,
        [
            Partner(
                name=f"Partner {i}",
                slug=f"p{i}",
                kind="charity",
                contact_name="A",
                contact_email="a@example.org",
                status="approved",
            )
            for i in range(PARTNERS)
        ],
    )
    partners = list(Partner.objects.all())
    _bulk(
        Booking,
        [
            Booking(
                partner=partners[i % PARTNERS],
                room=rooms[i % len(rooms)],
                title=f"B{i}",
                expected_attendees=20,
                status="approved",
                requested_by=user,
            )
            for i in range(args.activities)
        ],
    )
    bookings = list(Booking.objects.order_by("pk"))
    slots = []
    for i, booking in enumerate(bookings):
        for week in range(WEEKS):
            start = YEAR_START + dt.timedelta(
                days=7 * week + i % 5, minutes=30 * (i // len(rooms))
            )
            end = start + dt.timedelta(minutes=25)
            slots.append(
                Slot(
                    booking=booking,
                    room=booking.room,
                    original_start=start,
                    starts_at=start,
                    ends_at=end,
                    buffered_start=start,
                    buffered_end=end,
                    full_price_pence=3000,
                    price_pence=i % 2 * 1500,
                )
            )
    _bulk(Slot, slots)
    categories = list(Activity.Category.values)
    _bulk(
        Activity,
        [
            Activity(
                partner=b.partner,
                booking=b,
                title=f"Activity {i}",
                description="x",
                category=categories[i % len(categories)],
                capacity=30,
                status="published",
                created_by=user,
            )
            for i, b in enumerate(bookings)
        ],
    )
    activity_of = {a.booking_id: a for a in Activity.objects.all()}
    _bulk(
        Session,
        [
            Session(
                activity=activity_of[s.booking_id],
                slot=s,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
            )
            for s in Slot.objects.all()
        ],
    )
    now = dt.datetime.now(dt.UTC)
    _bulk(
        Household,
        [
            Household(
                name=f"H{i}",
                reference=f"R{i:07d}",
                postcode=rng.choice(POSTCODES),
                fsm_verified_at=now if i % 4 == 0 else None,
            )
            for i in range(args.households)
        ],
    )
    households = list(Household.objects.values_list("pk", flat=True))
    members = []
    for h in households:
        members.append(HouseholdMember(household_id=h, kind="carer", first_name="C"))
        for _ in range(rng.randint(1, 2)):
            members.append(
                HouseholdMember(
                    household_id=h,
                    kind="child",
                    first_name="K",
                    send_notes="x" if rng.random() < 0.1 else "",
                )
            )
    _bulk(HouseholdMember, members)
    return households


def generate_attendance(args, rng, households):
    from activities.models import (
        Activity,
        Attendance,
        HouseholdMember,
        Referral,
        SignUp,
        WalkInCount,
    )

    user = django.contrib.auth.get_user_model().objects.get(username="bench")
    activities = list(Activity.objects.values_list("pk", flat=True))
    sessions: dict[int, list[int]] = {}
    from activities.models import Session

    for pk, activity in Session.objects.values_list("pk", "activity_id"):
        sessions.setdefault(activity, []).append(pk)
    child = dict(
        HouseholdMember.objects.filter(kind="child").values_list("household_id", "pk")
    )
    signups, marks, referrals = [], [], []
    per_signup = max(1, args.attendance // (2 * len(households)))
    for h in households:
        for activity in rng.sample(activities, 2):
            signups.append(
                SignUp(
                    household_id=h, activity_id=activity, places=2, status="confirmed"
                )
            )
            for session in rng.sample(sessions[activity], min(per_signup, WEEKS)):
                if len(marks) < args.attendance:
                    status = rng.choice(
                        ["present", "present", "late", "left_early", "absent"]
                    )
                    marks.append(
                        Attendance(
                            session_id=session, member_id=child[h], status=status
                        )
                    )
            if len(referrals) < len(households) // 10 and rng.random() < 0.2:
                referrals.append(
                    Referral(referred_by=user, household_id=h, activity_id=activity)
                )
        if len(marks) >= BATCH * 10:
            _bulk(Attendance, marks)
            args.attendance -= len(marks)
            marks = []
    _bulk(Attendance, marks)
    _bulk(SignUp, signups)
    _bulk(Referral, referrals)
    _bulk(
        WalkInCount,
        [
            WalkInCount(session_id=s, count=3)
            for ss in sessions.values()
            for s in ss[::4]
        ],
    )


def measure():
    from django.contrib.auth import get_user_model

    from hub.models import Site, StaffRole
    from reports.figures import DIMENSIONS, impact_table
    from reports.periods import school_year
    from reports.scopes import scope_get
    from reports.termly import termly_return

    user = get_user_model().objects.get(username="bench")
    site = Site.objects.order_by("pk").first()
    StaffRole.objects.get_or_create(user=user, site=site, role="link_worker")
    period = school_year(2025)
    cases = [(f"impact all by {by}", "all", by) for by in DIMENSIONS]
    cases += [
        ("impact trust by site", "trust-1", "site"),
        ("impact one school by partner", "site-1", "partner"),
        ("impact one partner by area", "partner-1", "area"),
        ("impact referrals by site", "referrals", "site"),
        ("termly return, all", "all", None),
    ]
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    print(f"{'report':34} {'median s':>9} {'best s':>8} {'queries':>8}")
    for label, key, by in cases:
        scope = scope_get(user=user, key=key)
        times = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                if by is None:
                    termly_return(scope=scope, period=period)
                else:
                    impact_table(scope=scope, period=period, by=by)
                times.append(time.perf_counter() - start)
        print(
            f"{label:34} {statistics.median(times):9.3f} {min(times):8.3f} {len(queries.captured_queries):8}"
        )
        if os.environ.get("REPORT_BENCH_SLOW"):  # the slowest queries too
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[
                :10
            ]:
                print("   ", q["time"], q["sql"][:120])


def rollup_figures():
    """The attended-marks rollup (reports/rollup.py): does it match the marks
    the triggers copied during the bulk load, how long a full rebuild takes,
    and what a trigger adds to one register tap."""
    from activities.models import Attendance
    from reports import rollup

    start = time.perf_counter()
    differences = rollup.rollup_differences()
    checked = time.perf_counter() - start
    start = time.perf_counter()
    rows = rollup.rollup_rebuild()
    rebuilt = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would after it
            cursor.execute("VACUUM ANALYZE reports_attendedmark")
    print(
        f"rollup: {differences} rows differed from the marks (checked in "
        f"{checked:.1f} s); rebuilt {rows:,} rows in {rebuilt:.1f} s"
    )
    marks = list(Attendance.objects.order_by("pk")[:300])
    times = []
    for mark in marks + marks:  # each changed, then put back as it was
        mark.status, mark.was = getattr(mark, "was", "absent"), mark.status
        start = time.perf_counter()
        mark.save(update_fields=["status"])
        times.append(time.perf_counter() - start)
    print(
        f"one register mark saved (with its rollup row): median "
        f"{statistics.median(times) * 1000:.2f} ms over {len(times)}"
    )


def main():
    args = parse_args()
    rng = random.Random(1)
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=args.keep, serialize=False
    )
    try:
        from activities.models import Attendance, Household

        start = time.perf_counter()
        if not (args.keep and Attendance.objects.exists()):
            households = generate(args, rng)
            generate_attendance(args, rng, households)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")  # as autovacuum would
        print(
            f"{connection.vendor}: {Attendance.objects.count():,} register marks, "
            f"{Household.objects.count():,} households, "
            f"generated in {time.perf_counter() - start:.0f} s"
        )
        if args.generate_only:
            return
        rollup_figures()
        measure()
        if args.work_mem and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('work_mem', %s, false)", [args.work_mem]
                )
            print(f"-- again with work_mem = {args.work_mem}")
            measure()
    finally:
        if args.keep:
            print(f"kept the database {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
