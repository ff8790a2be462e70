"""The start page after sign-in: one section for each role the person holds
(most people hold one), each with what needs doing next and a link to the
full page. Sections are built from the apps' selectors; what a section shows
is decided by the same permissions that guard the full page.

Queries: a fixed number per section, whatever the amount of data (each list
is cut to a few rows in the database).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from activities.models import Activity, Session, SignUp
from activities.selectors import (
    activity_list_public,
    household_for_user,
    referral_list_for_link_worker,
)
from bookings.models import Booking, Slot
from bookings.selectors import bookings_visible, pending_for_manager
from hub.calendar_dates import local_day_bounds
from hub.models import Site
from hub.rules import site_ids_for
from partners.rules import partner_ids_for
from partners.selectors import document_warnings
from payments.models import Invoice
from payments.selectors import invoices_visible

UNPAID = (Invoice.Status.ISSUED, Invoice.Status.PART_PAID, Invoice.Status.OVERDUE)

ROWS = 5  # rows per list: the full page has the rest
PARTNER_DAYS = 14  # a partner's "coming up" horizon


@dataclass
class Section:
    key: str  # selects the template block: manager, caretaker, partner, ...
    title: str
    data: dict = field(default_factory=dict)


def _todays_slots(site_ids: list[int]) -> dict[int, list[Slot]]:
    """Today's active lettings per site (each site's own calendar day), in one
    query spanning the widest day, filtered per site in Python."""
    if not site_ids:
        return {}
    sites = {s.pk: s for s in Site.objects.filter(pk__in=site_ids)}
    bounds = {pk: local_day_bounds(timezone.localdate(), s) for pk, s in sites.items()}
    start = min(b[0] for b in bounds.values())
    end = max(b[1] for b in bounds.values())
    slots = (
        Slot.objects.filter(
            room__site_id__in=sites,
            is_active=True,
            booking__status=Booking.Status.APPROVED,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("room__site", "booking__partner")
        .order_by("starts_at", "room__name")
    )
    by_site: dict[int, list[Slot]] = {pk: [] for pk in sites}
    for slot in slots:
        lo, hi = bounds[slot.room.site_id]
        if slot.starts_at < hi and slot.ends_at > lo:
            by_site[slot.room.site_id].append(slot)
    return by_site


def _manager(user) -> Section:
    pending = pending_for_manager(actor=user)
    managed = sorted(
        site_id
        for site_id in site_ids_for(user)
        if user.has_perm("hub.change_site", Site(pk=site_id))
    )
    today = _todays_slots(managed)
    return Section(
        "manager",
        "Your schools",
        {
            "pending": list(pending[:ROWS]),
            "pending_count": pending.count(),
            "warnings": document_warnings()[:ROWS],
            "today": [slot for slots in today.values() for slot in slots][:10],
            **_money(invoices_visible(actor=user).filter(site_id__in=managed)),
        },
    )


def _money(invoices) -> dict:
    """Invoices still to be paid (oldest due first) and drafts to issue."""
    unpaid = invoices.filter(kind=Invoice.Kind.INVOICE, status__in=UNPAID)
    return {
        "unpaid": list(unpaid.order_by("due_on", "pk")[:ROWS]),
        "unpaid_count": unpaid.count(),
        "drafts": invoices.filter(status=Invoice.Status.DRAFT).count(),
    }


def _caretaker(user) -> Section | None:
    site_ids = sorted(
        site_id
        for site_id in site_ids_for(user)
        if user.has_perm("bookings.view_sheet", Site(pk=site_id))
    )
    if not site_ids:
        return None
    today = _todays_slots(site_ids)
    sites = {s.pk: s for s in Site.objects.filter(pk__in=site_ids)}
    return Section(
        "caretaker",
        "Today's lettings",
        {"sheets": [(sites[pk], today.get(pk, [])) for pk in site_ids]},
    )


def _partner(user) -> Section:
    ids = partner_ids_for(user)
    now = timezone.now()
    sessions = (
        Session.objects.filter(
            activity__partner_id__in=ids,
            status=Session.Status.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=now + dt.timedelta(days=PARTNER_DAYS),
        )
        .select_related("activity", "activity__booking__room__site")
        .order_by("starts_at")
    )
    requests = (
        bookings_visible(actor=user)
        .filter(partner_id__in=ids, status=Booking.Status.PENDING)
        .select_related("room__site")
        .order_by("created_at")
    )
    warnings = [w for w in document_warnings() if w.document.partner_id in ids]
    return Section(
        "partner",
        "Your organisation",
        {
            "sessions": list(sessions[:ROWS]),
            "requests": list(requests[:ROWS]),
            "warnings": warnings[:ROWS],
            "days": PARTNER_DAYS,
            **_money(invoices_visible(actor=user).filter(partner_id__in=ids)),
        },
    )


def _link_worker(user) -> Section:
    referrals = referral_list_for_link_worker(user=user).order_by("-created_at")
    return Section(
        "linkworker", "Your referrals", {"referrals": list(referrals[:ROWS])}
    )


def _family(household) -> Section:
    now = timezone.now()
    signups = list(
        SignUp.objects.filter(
            household=household,
            status__in=(SignUp.Status.CONFIRMED, SignUp.Status.AWAITING_PAYMENT),
        ).select_related("activity__booking__room__site", "session")
    )
    series = {s.activity_id for s in signups if s.session_id is None}
    single = {s.session_id for s in signups if s.session_id is not None}
    coming = (
        Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__gte=now)
        .filter(Q(activity_id__in=series) | Q(pk__in=single))
        .order_by("starts_at")
    )
    coming = list(coming[:ROWS])
    activities = {s.activity_id: s.activity for s in signups}
    for session in coming:
        session.activity = activities[session.activity_id]
    awaiting = [
        s
        for s in signups
        if s.status == SignUp.Status.AWAITING_PAYMENT
        and s.hold_expires_at
        and s.hold_expires_at > now
    ]
    near = activity_list_public()
    district = (household.postcode or "").split(" ")[0]
    if district:
        near = near.filter(booking__room__site__postcode__istartswith=f"{district} ")
    near = near.exclude(pk__in=activities)
    return Section(
        "family",
        "Your family",
        {
            "household": household,
            "coming": coming,
            "awaiting": awaiting,
            "near": list(near[:3]),
            "district": district,
        },
    )


def start_sections(user) -> list[Section]:
    sections = []
    if user.has_perm("hub.view_dashboard"):
        sections.append(_manager(user))  # includes today's lettings
    elif caretaker := _caretaker(user):
        sections.append(caretaker)
    if user.has_perm("activities.view_own_activities"):
        sections.append(_partner(user))
    if user.has_perm("activities.refer_household"):
        sections.append(_link_worker(user))
    household = household_for_user(user=user)
    if household is not None:
        sections.append(_family(household))
    return sections


@login_required
def start(request):
    """Where everyone lands after signing in."""
    return render(
        request,
        "portal/start.html",
        {
            "sections": start_sections(request.user),
            "published": Activity.Status.PUBLISHED,
        },
    )
