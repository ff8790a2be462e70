"""Demo invoices and payments (portal's seed_demo calls this after activities).

Last month's lettings at the first two schools are invoiced through the
invoicing services: one invoice paid by bank transfer, one part paid by
cheque, one overdue, and this month's drafts. The booking services refuse
dates in the past, so last month's lettings are written as approved slots
directly (as the tests' factories do). Idempotent: does nothing if any
invoice exists. Dates are relative to today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from bookings.models import Booking, Slot
from bookings.scheduling import Frequency, Recurrence, schedule_sync
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

Progress = Callable[[str], None]


def seed_demo_payments(*, progress: Progress) -> None:
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
    room's evening rate."""
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
    while day.month == month.month:
        start = dt.datetime.combine(day, dt.time(18), tzinfo=zone).astimezone(dt.UTC)
        end = start + dt.timedelta(hours=2)
        buffered_start = start - dt.timedelta(minutes=room.setup_buffer_minutes)
        buffered_end = end + dt.timedelta(minutes=room.cleardown_buffer_minutes)
        day += dt.timedelta(days=7)
        # The demo's term of activity sessions may already hold the room then:
        # never double-book it (PostgreSQL would refuse; SQLite would not).
        if Slot.objects.filter(
            room=room,
            is_active=True,
            buffered_start__lt=buffered_end,
            buffered_end__gt=buffered_start,
        ).exists():
            continue
        Slot.objects.create(
            booking=booking,
            room=room,
            original_start=start,
            starts_at=start,
            ends_at=end,
            buffered_start=buffered_start,
            buffered_end=buffered_end,
            price_pence=price,
            full_price_pence=price,
        )
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
