"""Payments benchmark (not a test; issue 8). Run from the project root with
production settings (bin/bench sets them; DEBUG on is refused):

    DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench-only-not-a-secret \\
    DJANGO_SECURE_SSL_REDIRECT=false \\
        .venv/bin/python benchmarks/payments_benchmark.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ... \\
        .venv/bin/python benchmarks/payments_benchmark.py            # PostgreSQL

It builds its own throwaway database (a temp SQLite file, or a
`bench_payments` database on the PostgreSQL server): a trust of 20 sites with
6 rooms and a business manager each, 60 partners, and 12 approved weekly-evening
lettings per site (each partner lets at four sites), 21 weekday dates each in
October 2026 at a stored price: 5,040 approved slots. Then it measures:

1. the monthly invoice run: every site's business manager builds October's
   drafts (payments.invoicing.invoices_build_month) and issues them all
   (invoices_issue_month, what `build_invoices --issue` and the Income page's
   "Issue all drafts" do: gapless trust numbers, an audit entry each, the
   partners' emails after commit); total seconds, invoices, lines, queries
   and emails;
2. webhook handling: 500 `payment_intent.succeeded` events for card payments
   (PENDING Payment rows with their intent ids, part payments of the issued
   invoices), each a real POST to /payments/stripe/webhook/ through Django's
   test client, signed with Stripe's scheme (t=<ts>,v1=HMAC-SHA256); p50, p95,
   p99 and queries per event; then the same events delivered again
   (duplicates: stored once, nothing changes).

Aims (issue 8): the invoice run under 5 s on PostgreSQL; webhook p95 under
50 ms. With no REDIS_URL the emails run eagerly in-process (as on a server
without Celery workers), so they are inside the figures.
"""

import datetime as dt
import hashlib
import hmac
import json
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
    TMP = tempfile.mkdtemp(prefix="payments-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/seed.sqlite3"
    os.environ["DATABASE_TEST_NAME"] = f"{TMP}/bench.sqlite3"
else:
    os.environ.setdefault("DATABASE_TEST_NAME", "bench_payments")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

logging.disable(logging.WARNING)

SITES = 20
PARTNERS = 60
ROOMS_PER_SITE = 6
LETTINGS_PER_SITE = 12
DATES_PER_LETTING = 21
PRICE_PENCE = 3000
MONTH = dt.date(2026, 10, 1)
EVENTS = 500
PART_PAYMENT_PENCE = 1000
WEBHOOK_SECRET = "whsec_bench_only"
WEBHOOK_URL = "/payments/stripe/webhook/"


class QueryCounter:
    """Counts every query run on the connection (an execute wrapper: unlike
    CaptureQueriesContext it has no 9,000-query cap and is not reset by the
    request_started signal)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def _world():
    """The trust, its sites, rooms, managers, partners and 5,040 approved
    slots (bulk inserts). Returns [(site, business manager)]."""
    from zoneinfo import ZoneInfo

    from django.contrib.auth import get_user_model

    from bookings.models import Booking, Slot
    from hub.models import Room, Site, StaffRole, Trust
    from partners.models import Partner, PartnerMembership

    user_model = get_user_model()
    zone = ZoneInfo("Europe/London")
    trust = Trust.objects.create(name="Bench Trust", slug="bench")
    partners = Partner.objects.bulk_create(
        Partner(
            name=f"Partner {p:02d}",
            slug=f"partner-{p}",
            kind="charity",
            contact_name="Contact",
            contact_email=f"partner{p}@example.org",
            status="approved",
        )
        for p in range(PARTNERS)
    )
    partners = list(Partner.objects.order_by("pk"))
    staff = user_model.objects.create_user("bench-partner-staff", password="x")
    PartnerMembership.objects.bulk_create(
        PartnerMembership(partner=partner, user=staff) for partner in partners
    )
    days = []
    day = MONTH
    while len(days) < DATES_PER_LETTING:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    pairs, slots = [], []
    for s in range(SITES):
        site = Site.objects.create(
            trust=trust,
            name=f"Bench School {s:02d}",
            slug=f"bench-{s}",
            address="1 Road",
            postcode="LS6 2AB",
        )
        manager = user_model.objects.create_user(f"bench-bm-{s}", password="x")
        StaffRole.objects.create(user=manager, site=site, role="business_manager")
        pairs.append((site, manager))
        rooms = Room.objects.bulk_create(
            Room(site=site, name=f"Room {r}", slug=f"room-{r}", capacity=30)
            for r in range(ROOMS_PER_SITE)
        )
        rooms = list(Room.objects.filter(site=site).order_by("pk"))
        for n in range(LETTINGS_PER_SITE):
            room = rooms[n % ROOMS_PER_SITE]
            hour = 17 if n < ROOMS_PER_SITE else 19  # two lettings a room, apart
            booking = Booking.objects.create(
                partner=partners[(s * 3 + n) % PARTNERS],
                room=room,
                title=f"Club {n}",
                expected_attendees=10,
                status=Booking.Status.APPROVED,
                requested_by=staff,
                decided_by=manager,
            )
            for day in days:
                start = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
                end = start + dt.timedelta(hours=1)
                slots.append(
                    Slot(
                        booking=booking,
                        room=room,
                        original_start=start,
                        starts_at=start,
                        ends_at=end,
                        buffered_start=start - dt.timedelta(minutes=15),
                        buffered_end=end + dt.timedelta(minutes=15),
                        price_pence=PRICE_PENCE,
                        full_price_pence=PRICE_PENCE,
                    )
                )
    Slot.objects.bulk_create(slots, batch_size=1000)
    return pairs, len(slots)


def _invoice_run(pairs):
    """Build and issue October's invoices at every site, as its manager."""
    from django.core import mail

    from payments.invoicing import invoices_build_month, invoices_issue_month

    mail.outbox = []
    with QueryCounter() as counter:
        start, start_cpu = time.perf_counter(), time.process_time()
        build_start = start
        for site, manager in pairs:
            invoices_build_month(actor=manager, site=site, month=MONTH)
        build_s = time.perf_counter() - build_start
        for site, manager in pairs:
            invoices_issue_month(actor=manager, site=site, month=MONTH)
        total_s = time.perf_counter() - start
        cpu_s = time.process_time() - start_cpu
    return total_s, build_s, cpu_s, counter.count, len(mail.outbox)


def _sign(payload: bytes) -> str:
    t = int(time.time())
    mac = hmac.new(WEBHOOK_SECRET.encode(), f"{t}.".encode() + payload, hashlib.sha256)
    return f"t={t},v1={mac.hexdigest()}"


def _events():
    """PENDING card payments on the issued invoices (round robin, part
    payments) and one signed-to-be payment_intent.succeeded event each."""
    from payments.models import Invoice, Payment

    invoices = list(Invoice.objects.filter(status=Invoice.Status.ISSUED).order_by("pk"))
    payments = Payment.objects.bulk_create(
        Payment(
            invoice=invoices[i % len(invoices)],
            method=Payment.Method.CARD,
            amount_pence=PART_PAYMENT_PENCE,
            stripe_payment_intent_id=f"pi_bench_{i:05d}",
        )
        for i in range(EVENTS)
    )
    bodies = []
    for i, payment in enumerate(payments):
        event = {
            "id": f"evt_bench_{i:05d}",
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": int(time.time()),
            "livemode": False,
            "data": {
                "object": {
                    "id": payment.stripe_payment_intent_id,
                    "object": "payment_intent",
                    "amount": PART_PAYMENT_PENCE,
                    "amount_received": PART_PAYMENT_PENCE,
                    "currency": "gbp",
                    "status": "succeeded",
                    "metadata": {
                        "kind": "invoice",
                        "object_id": str(payment.invoice_id),
                    },
                    "last_payment_error": None,
                }
            },
        }
        bodies.append(json.dumps(event).encode())
    return bodies


def _post_all(client, bodies, expect):
    times, queries = [], []
    for body in bodies:
        with QueryCounter() as counter:
            start = time.perf_counter()
            response = client.post(
                WEBHOOK_URL,
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=_sign(body),
            )
            times.append((time.perf_counter() - start) * 1000)
        queries.append(counter.count)
        outcome = response.json().get("outcome", "")
        if response.status_code != 200 or not outcome.startswith(expect):
            raise SystemExit(f"webhook answered {response.status_code}: {outcome!r}")
    return times, queries


def _pct(times, p):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    if settings.DEBUG:
        raise SystemExit(
            "Refusing to run with DEBUG on: set DJANGO_DEBUG=false, "
            "DJANGO_SECRET_KEY and DJANGO_SECURE_SSL_REDIRECT=false (as bin/bench does)."
        )
    from django.utils import timezone

    from payments.models import Invoice, InvoiceLine, Payment

    setup_test_environment()
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    vendor = connection.vendor
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t0 = time.perf_counter()
        pairs, slot_count = _world()
        world_s = time.perf_counter() - t0
        total_s, build_s, cpu_s, run_queries, emails = _invoice_run(pairs)
        issued = Invoice.objects.filter(status=Invoice.Status.ISSUED).count()
        lines = InvoiceLine.objects.filter(invoice__status="issued").count()
        numbers = sorted(Invoice.objects.values_list("sequence", flat=True))
        assert numbers == list(range(1, issued + 1)), "numbers not gapless"

        bodies = _events()
        client = Client(HTTP_HOST="127.0.0.1")
        client.post(WEBHOOK_URL, data=b"{}", content_type="application/json")  # warm
        hook_ms, hook_q = _post_all(client, bodies, "invoice paid by card")
        dup_ms, dup_q = _post_all(client, bodies, "duplicate")
        paid = Payment.objects.filter(status=Payment.Status.SUCCEEDED).count()
        assert paid == EVENTS, f"{paid} payments succeeded, expected {EVENTS}"

        print(
            f"\nPayments benchmark on {vendor}, {timezone.now():%Y-%m-%d %H:%M} UTC "
            f"(data: {SITES} sites, {PARTNERS} partners, {slot_count:,} approved "
            f"slots in {MONTH:%B %Y}, built in {world_s:.1f} s)"
        )
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        print("Monthly invoice run (build every site's drafts, issue them all)")
        print(
            f"  total {total_s:.2f} s (of which build {build_s:.2f} s); "
            f"this process's CPU {cpu_s:.2f} s"
        )
        print(
            f"  invoices issued {issued}, lines {lines:,}, queries {run_queries:,}, "
            f"emails {emails}"
        )
        print(f"  aim under 5 s: {'met' if total_s < 5 else 'NOT met'}\n")
        print(f"Stripe webhook, {EVENTS} signed payment_intent.succeeded POSTs")
        head = f"  {'delivery':28} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        print(f"{head} {'max ms':>7} {'queries':>7}")
        for label, ms, q in (
            ("first delivery (applied)", hook_ms, hook_q),
            ("duplicate (same event id)", dup_ms, dup_q),
        ):
            print(
                f"  {label:28} {statistics.median(ms):7.1f} {_pct(ms, 95):7.1f} "
                f"{_pct(ms, 99):7.1f} {max(ms):7.1f} {max(q):7d}"
            )
        p95 = _pct(hook_ms, 95)
        print(f"  aim p95 under 50 ms: {'met' if p95 < 50 else 'NOT met'}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
