"""Booking pages. Thin: a form parses, a service acts, then redirect."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings import selectors
from bookings.availability import site_availability
from bookings.feeds import booking_ical
from bookings.forms import (
    ApproveForm,
    BookingRequestForm,
    CancelForm,
    DayForm,
    MoveForm,
    ReasonForm,
)
from bookings.models import Slot
from bookings.services import (
    booking_approve,
    booking_cancel,
    booking_decline,
    booking_occurrence_move,
    booking_preview,
    booking_request,
)
from hub.audit import audit_history_for
from hub.models import Site
from hub.views_base import act, submit
from partners.rules import partner_ids_for


def _require(user, perm: str, obj=None) -> None:
    """Read pages only: may this user see the page at all (403 if not)."""
    if not user.has_perm(perm, obj):
        raise DjangoPermissionDenied


def _booking(request, booking_id: int):
    """A booking the user may see, else 404. The services check what they
    may do with it (403)."""
    return selectors.booking_get(booking_id=booking_id, actor=request.user)


# What the room finder and the free-rooms week may fill in (bookings.finder).
PREFILL = (
    "partner",
    "room",
    "first_day",
    "start_time",
    "end_time",
    "expected_attendees",
    "frequency",
    "until",
    "term_time_only",
)


def _initial_from_query(request) -> dict:
    """Initial values only: the form still validates whatever is sent."""
    return {k: request.GET[k][:20] for k in PREFILL if request.GET.get(k)}


@login_required
def booking_request_view(request):
    _require(request.user, "bookings.request_booking")
    form = BookingRequestForm(
        request.POST or None, user=request.user, initial=_initial_from_query(request)
    )
    preview = None
    if request.method == "POST" and "send" in request.POST:
        done = submit(form, lambda data: _send_request(request.user, form, data))
        if done:
            messages.success(
                request,
                "Request sent. The school's business manager will reply by email.",
            )
            return redirect("bookings:detail", done.value.pk)
    elif request.method == "POST":
        preview = submit(form, lambda _: booking_preview(**form.service_kwargs())).value
    rows = preview.rows(form.cleaned_data["room"].site.zoneinfo) if preview else None
    return render(
        request,
        "bookings/booking_request.html",
        {
            "form": form,
            "preview": preview,
            "rows": rows,
            "prefilled": request.method == "GET" and "room" in request.GET,
        },
    )


def _send_request(user, form, data):
    return booking_request(
        requested_by=user,
        title=data["title"],
        purpose=data["purpose"],
        setup_notes=data["setup_notes"],
        allow_clashes=data["allow_clashes"],
        **form.service_kwargs(),
    )


@login_required
def booking_mine(request):
    bookings = selectors.booking_list(actor=request.user).filter(
        partner_id__in=_partner_ids(request.user)
    )
    return render(request, "bookings/booking_mine.html", {"bookings": bookings})


def _partner_ids(user) -> set[int]:
    return partner_ids_for(user)


@login_required
def booking_detail(request, booking_id: int):
    booking = _booking(request, booking_id)
    slots = selectors.booking_detail_slots(booking=booking)
    context = {
        "booking": booking,
        "zone": booking.room.site.zoneinfo,
        "slots": slots,
        "quote_pence": sum(
            s.price_pence for s in slots if s.state == Slot.State.PLANNED
        ),
        "history": audit_history_for(booking),
        "can_cancel": request.user.has_perm("bookings.cancel_booking", booking),
        "can_decide": request.user.has_perm("bookings.decide_booking", booking),
        "now": timezone.now(),
        "cancel_form": CancelForm(),
        "planned": Slot.State.PLANNED,
        "is_open": booking.status in ("pending", "approved"),
    }
    return render(request, "bookings/booking_detail.html", context)


@login_required
def booking_ical_view(request, booking_id: int):
    booking = _booking(request, booking_id)
    slots = selectors.booking_detail_slots(booking=booking)
    body = booking_ical(booking=booking, slots=slots, host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    return response


@login_required
@require_POST
def booking_cancel_view(request, booking_id: int):
    booking = _booking(request, booking_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        act(
            request,
            lambda: booking_cancel(
                booking=booking, cancelled_by=request.user, **form.cleaned_data
            ),
            success="Cancelled. The time is free for others to book.",
        )
    else:
        messages.error(request, "Check the date and try again.")
    return redirect("bookings:detail", booking.pk)


@login_required
def booking_move_view(request, booking_id: int, slot_id: int):
    booking = _booking(request, booking_id)
    slot = get_object_or_404(booking.slots, pk=slot_id, state=Slot.State.PLANNED)
    zone = booking.room.site.zoneinfo
    start, end = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
    initial = {"day": start.date(), "start_time": start.time(), "end_time": end.time()}
    form = MoveForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = submit(
            form,
            lambda data: booking_occurrence_move(
                booking=booking,
                slot_id=slot.pk,
                moved_by=request.user,
                day=data["day"],
                start=data["start_time"],
                end=data["end_time"],
                reason=data["reason"],
            ),
        )
        if done:
            messages.success(request, "Date moved.")
            return redirect("bookings:detail", booking.pk)
    context = {"booking": booking, "form": form, "original": start.replace(tzinfo=None)}
    return render(request, "bookings/booking_move.html", context)


@login_required
def booking_queue(request, *, decline_error=None):
    _require(request.user, "bookings.view_queue")
    rows = selectors.approval_queue(actor=request.user)
    return render(
        request,
        "bookings/booking_queue.html",
        {
            "rows": rows,
            "approve_form": ApproveForm(),
            "decline_form": ReasonForm(),
            "decline_error": decline_error,
        },
    )


@login_required
@require_POST
def booking_approve_view(request, booking_id: int):
    booking = _booking(request, booking_id)
    form = ApproveForm(request.POST)
    form.is_valid()
    act(
        request,
        lambda: booking_approve(
            booking=booking, approved_by=request.user, **form.cleaned_data
        ),
        success=f"Approved: {booking.title}.",
    )
    return redirect("bookings:queue")


@login_required
@require_POST
def booking_decline_view(request, booking_id: int):
    booking = _booking(request, booking_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        # The queue again, the error naming the request and linked to its box.
        reason = form.errors["reason"][0] if "reason" in form.errors else ""
        if "reason" in form.errors and not request.POST.get("reason", "").strip():
            reason = f"Enter a reason for declining “{booking.title}”: the partner will see it"
        return booking_queue(
            request, decline_error={"pk": booking.pk, "message": reason}
        )
    act(
        request,
        lambda: booking_decline(
            booking=booking, declined_by=request.user, **form.cleaned_data
        ),
        success=f"Declined: {booking.title}.",
    )
    return redirect("bookings:queue")


def _week_start(request, zone) -> dt.date:
    form = DayForm(request.GET)
    day = form.cleaned_data.get("day") if form.is_valid() else None
    day = day or timezone.localdate(timezone=zone)
    return day - dt.timedelta(days=day.weekday())


@login_required
def site_week(request, site_id: int):
    _require(request.user, "bookings.view_availability")
    site = get_object_or_404(Site, pk=site_id)
    start = _week_start(request, site.zoneinfo)
    rooms = list(site.rooms.filter(is_bookable=True))
    grid = site_availability(
        site=site, rooms=rooms, start=start, end=start + dt.timedelta(days=6)
    )
    days = [start + dt.timedelta(days=i) for i in range(7)]
    context = {
        "site": site,
        "grid": grid,
        "days": days,
        "prev": start - dt.timedelta(days=7),
        "next": start + dt.timedelta(days=7),
        "request_url": reverse("bookings:request"),
        "can_request": request.user.has_perm("bookings.request_booking"),
    }
    return render(request, "bookings/site_week.html", context)


@login_required
def site_list(request):
    _require(request.user, "bookings.view_availability")
    return render(request, "bookings/site_list.html", {"sites": Site.objects.all()})


@login_required
def caretaker_sheet(request, site_id: int):
    site = get_object_or_404(Site, pk=site_id)
    _require(request.user, "bookings.view_sheet", site)
    form = DayForm(request.GET)
    day = (
        form.cleaned_data.get("day") if form.is_valid() else None
    ) or timezone.localdate(timezone=site.zoneinfo)
    slots = selectors.sheet_slots(site=site, day=day)
    context = {
        "site": site,
        "day": day,
        "slots": slots,
        "zone": site.zoneinfo,
        "form": form,
    }
    return render(request, "bookings/site_sheet.html", context)


@login_required
def partner_totals(request):
    slots = Slot.objects.filter(booking__partner_id__in=_partner_ids(request.user))
    totals = selectors.month_totals(slots=slots)
    return render(
        request,
        "bookings/totals.html",
        {
            "totals": totals,
            "bars": selectors.month_totals_chart(totals),
            "title": "Your room hire by month",
        },
    )


@login_required
def site_totals(request, site_id: int):
    site = get_object_or_404(Site, pk=site_id)
    _require(request.user, "bookings.view_site_totals", site)
    totals = selectors.month_totals(slots=Slot.objects.filter(room__site=site))
    return render(
        request,
        "bookings/totals.html",
        {
            "totals": totals,
            "bars": selectors.month_totals_chart(totals),
            "title": f"Room hire at {site.name} by month",
            "site": site,
        },
    )
