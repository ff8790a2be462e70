"""Demo invoices and payments (portal's seed_demo calls this after activities).

Last month's lettings at the first two schools are invoiced through the
invoicing services: one invoice paid by bank transfer, one part paid by
cheque, one overdue, and this month's drafts. The booking services refuse
dates in the past, so last month's lettings are written as approved slots
directly (`activities.demo_attendance.past_slot`, as the term's past
sessions are). Idempotent: does nothing if any invoice exists.

A paid activity (the family science club, £2 a child a session, free for
children eligible for free school meals) is booked, published and signed up
to through the services, so a manager and a family see paid places: eligible
families free, one place paid in cash, one by bank transfer, one still owed
(paid on the day without Stripe keys; held awaiting payment with them).
Idempotent: skipped if the activity exists. Dates are relative to today.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from activities.demo_attendance import past_slot
from activities.models import Activity, Household
from activities.services import activity_create, signup_create
from bookings.compliance import insured_days
from bookings.demo import TERM_WEEKS
from bookings.models import Booking, Slot
from bookings.scheduling import Frequency, Recurrence, schedule_sync
from bookings.services import When, booking_approve, booking_request
from hub.errors import DomainError
from hub.models import Site, StaffRole
from partners.models import Partner
from payments.invoicing import (
    invoice_issue,
    invoices_build_month,
    invoices_mark_overdue,
    month_start,
)
from payments.models import Invoice, SiteBilling
from payments.services import invoice_payment_record
from payments.signup_payments import signup_record_payment

Progress = Callable[[str], None]


def seed_demo_payments(*, progress: Progress) -> None:
    _seed_invoices(progress)
    _seed_paid_activity(progress)


def _seed_invoices(progress: Progress) -> None:
    if Invoice.objects.exists():
        progress("Invoices already exist: skipped")
        return
    today = timezone.localdate()
    last_month = month_start(month_start(today) - dt.timedelta(days=1))
    made = 0
    for site in Site.objects.order_by("pk")[:2]:
        manager = _manager(site)
        room = site.rooms.filter(is_bookable=True).order_by("pk").first()
        if manager is None or room is None:
            continue
        SiteBilling.objects.get_or_create(
            site=site,
            defaults={
                "remittance_details": f"Sort code 00-00-00, account 12345678, "
                f"{site.name}. Quote the invoice number.",
            },
        )
        with transaction.atomic():
            made += _invoice_site(site, room, manager, last_month)
    progress(f"{made} invoices for {last_month:%B %Y}: paid, part paid and overdue")


def _manager(site):
    role = (
        StaffRole.objects.filter(site=site, role=StaffRole.Role.BUSINESS_MANAGER)
        .select_related("user")
        .first()
    )
    return role.user if role else None


def _invoice_site(site, room, manager, month: dt.date) -> int:
    partners = list(
        Partner.objects.filter(status=Partner.Status.APPROVED).order_by("pk")[:3]
    )
    for weekday, partner in enumerate(partners):
        _past_letting(room, partner, manager, month, weekday)
    drafts = invoices_build_month(actor=manager, site=site, month=month)
    # The second is issued today (part paid, not yet due); the others on the
    # 1st of last month, so the unpaid ones are overdue by now.
    issued = [
        invoice_issue(
            actor=manager, invoice=draft, issued_on=None if index == 1 else month
        )
        for index, draft in enumerate(drafts)
    ]
    if issued:
        first = issued[0]
        invoice_payment_record(
            actor=manager,
            invoice=first,
            amount_pence=first.total_pence,
            method="bank_transfer",
            reference=f"BACS {first.number}",
            received_on=month + dt.timedelta(days=20),
        )
    if len(issued) > 1:
        second = issued[1]
        invoice_payment_record(
            actor=manager,
            invoice=second,
            amount_pence=second.total_pence // 2,
            method="cheque",
            reference="Cheque 100234",
        )
    invoices_mark_overdue()  # the rest were due 30 days after the 1st
    return len(issued)


def _past_letting(room, partner, manager, month: dt.date, weekday: int) -> None:
    """Weekly 18:00-20:00 on `weekday` through `month`, approved, at the
    room's evening rate (each date a past slot: activities.demo_attendance)."""
    zone = room.site.zoneinfo
    first = month + dt.timedelta(days=(weekday - month.weekday()) % 7)
    member = partner.memberships.select_related("user").first()
    booking = Booking.objects.create(
        partner=partner,
        room=room,
        title=f"{partner.name[:150]}: weekly session",
        expected_attendees=15,
        status=Booking.Status.APPROVED,
        requested_by=member.user if member else manager,
        decided_by=manager,
        decided_at=timezone.now(),
        recurrence_summary="Weekly (last month)",
    )
    day, count = first, 0
    price = room.rate_evening_pence * 2 or 4000
    length = dt.timedelta(hours=2)
    before = dt.timedelta(minutes=room.setup_buffer_minutes)
    after = dt.timedelta(minutes=room.cleardown_buffer_minutes)
    while day.month == month.month:
        start = dt.datetime.combine(day, dt.time(18), tzinfo=zone).astimezone(dt.UTC)
        day += dt.timedelta(days=7)
        # The demo's term of activity sessions may already hold the room then:
        # never double-book it (PostgreSQL would refuse; SQLite would not).
        if Slot.objects.filter(
            room=room,
            is_active=True,
            buffered_start__lt=start + length + after,
            buffered_end__gt=start - before,
        ).exists():
            continue
        past_slot(booking, room, start, length, before, after, price)
        count += 1
    if not count:  # the room was taken every week: no letting to invoice
        booking.delete()
        return
    booking.quote_pence = price * count
    booking.save(update_fields=["quote_pence"])
    schedule_sync(
        booking=booking,
        recurrence=Recurrence(Frequency.WEEKLY, weekday=first.weekday(), count=count),
    )


# --- A paid activity -----------------------------------------------------------

PAID_ACTIVITY = {
    "title": "Family science club",
    "description": "Make slime, launch straw rockets and grow crystals with "
    "your children. £2 a child a session; free for children who get free "
    "school meals. Grown-ups come free.",
    "category": "learning",
    "audience": "families",
    "min_age": 5,
    "max_age": 11,
    "capacity": 12,
    "max_places_per_household": 4,
    "signup_mode": "session",
    "price_pence": 200,
    "price_basis": "child",
    "price_covers": "session",
    "free_for_eligible": True,
    "refund_days_before": 2,
    "what_to_bring": "Old clothes: it gets messy.",
    "accessibility_info": "Step-free access through the main entrance.",
}


def _seed_paid_activity(progress: Progress) -> None:
    title = PAID_ACTIVITY["title"]
    if Activity.objects.filter(title=title).exists():
        progress(f"'{title}' already exists: skipped")
        return
    booking = _paid_booking(progress)
    if booking is None:
        return
    runner = booking.partner.memberships.select_related("user").first().user
    try:
        activity = activity_create(
            booking=booking, created_by=runner, publish=True, **PAID_ACTIVITY
        )
    except DomainError as exc:
        progress(f"  skipped '{title}': {exc.message}")
        return
    session = activity.sessions.order_by("starts_at").first()
    placed = _paid_signups(activity, session, runner)
    progress(
        f"Paid activity '{title}' (£2 a child a session): {placed} families "
        "signed up to its first session, free places for eligible families"
    )


def _paid_booking(progress: Progress) -> Booking | None:
    """Thursdays 16:00-17:30 for the term in the first school's biggest room,
    requested by an insured partner and approved by the business manager."""
    site = next(
        (s for s in Site.objects.order_by("name") if _rooms(s)), None
    )  # the school the bookings demo starts with
    manager = _manager(site) if site else None
    if manager is None:
        progress("  no school with rooms and a business manager: no paid activity")
        return None
    today = timezone.localdate()
    until = today + dt.timedelta(weeks=TERM_WEEKS)
    partners = [
        p
        for p in Partner.objects.filter(
            status=Partner.Status.APPROVED, memberships__isnull=False
        )
        .distinct()
        .order_by("pk")
        if insured_days(partner=p, days=[until])
    ]
    if not partners:
        progress("  no insured partner: no paid activity")
        return None
    partner = partners[-1]
    first_day = today + dt.timedelta(days=(3 - today.weekday() - 1) % 7 + 1)
    try:
        booking = booking_request(
            room=_rooms(site)[0],
            partner=partner,
            requested_by=partner.memberships.select_related("user").first().user,
            title="Family science club",
            when=When(
                first_day=first_day,
                start=dt.time(16),
                end=dt.time(17, 30),
                recurrence=Recurrence(frequency=Frequency.WEEKLY, until=until),
            ),
            expected_attendees=12,
            purpose="A paid science club for families after school.",
            term_time_only=True,
        )
        booking = booking_approve(
            booking=booking, approved_by=manager, except_clashes=True
        )
    except DomainError as exc:
        progress(f"  no paid activity: {exc.message}")
        return None
    return booking


def _rooms(site) -> list:
    return list(site.rooms.filter(is_bookable=True).order_by("-capacity", "name"))


def _paid_signups(activity, session, runner) -> int:
    """Two eligible families (free), three that pay: cash, bank transfer and
    one still owing (or, with card payments on, held awaiting payment)."""
    day = session.starts_at.date()
    low, high = activity.min_age, activity.max_age
    households = list(
        Household.objects.filter(user__username__regex=r"^family\d\d$")
        .exclude(signups__activity=activity)
        .prefetch_related("members")
        .order_by("user__username")
    )
    eligible = [h for h in households if h.is_fsm_eligible][:2]
    paying = [h for h in households if not h.is_fsm_eligible]
    placed = 0
    for household in eligible + paying:
        if placed == 5:
            break
        children = [
            m
            for m in household.members.all()
            if m.kind == "child" and low <= m.age_on(day) <= high
        ]
        carers = [m for m in household.members.all() if m.kind == "carer"][:1]
        if not children:
            continue
        try:
            result = signup_create(
                household=household,
                activity=activity,
                members=(carers + children)[: activity.max_places_per_household],
                session=session,
                created_by=household.user,
            )
        except DomainError:
            continue
        placed += 1
        signup = result.signup
        paid_so_far = placed - len(eligible)
        if signup.amount_pence and paid_so_far in (1, 2):
            method = "cash" if paid_so_far == 1 else "bank_transfer"
            with contextlib.suppress(DomainError):
                signup_record_payment(
                    signup=signup,
                    amount_pence=signup.amount_pence,
                    method=method,
                    reference="" if method == "cash" else f"BACS {household.name}",
                    actor=runner,
                )
    return placed
