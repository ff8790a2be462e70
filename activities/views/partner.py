"""Pages for the partner running activities: publish, see who is coming with
their needs, cancel, and take the register on a phone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from activities import selectors, services
from activities.errors import DomainError
from activities.forms import ActivityForm, ReasonForm
from activities.models import Session
from activities.services.publishing import EDITABLE_FIELDS
from activities.views.common import activity_or_404, require
from bookings.models import Booking
from partners.rules import partner_ids_for


@login_required
def activity_mine(request):
    if not partner_ids_for(request.user):
        raise DjangoPermissionDenied
    activities = list(selectors.activity_list_for_partner(user=request.user))
    for activity in activities:
        activity.places_left = selectors.places_left(activity)
    bookings = Booking.objects.filter(
        partner_id__in=partner_ids_for(request.user), status=Booking.Status.APPROVED
    ).select_related("room__site")
    return render(
        request,
        "activities/activity_mine.html",
        {"activities": activities, "bookings": bookings},
    )


def _slot_choices(booking) -> list[tuple[str, str]]:
    zone = booking.room.site.zoneinfo
    slots = booking.slots.filter(is_active=True, starts_at__gt=timezone.now())
    return [
        (str(s.pk), f"{s.starts_at.astimezone(zone):%a %-d %b %Y, %H:%M}")
        for s in slots
    ]


@login_required
def activity_create(request, booking_id: int):
    booking = get_object_or_404(
        Booking.objects.select_related("room__site", "partner"), pk=booking_id
    )
    require(request.user, "activities.publish_on_booking", booking)
    with timezone.override(booking.room.site.zoneinfo):  # datetimes typed are local
        return _activity_create(request, booking)


def _activity_create(request, booking):
    form = ActivityForm(
        request.POST or None,
        slot_choices=_slot_choices(booking),
        initial={"capacity": min(booking.room.capacity, 20)},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        slot_ids = [int(s) for s in data.pop("slots")] or None
        publish = data.pop("publish")
        try:
            with timezone.override(booking.room.site.zoneinfo):
                activity = services.activity_create(
                    booking=booking,
                    created_by=request.user,
                    slot_ids=slot_ids,
                    publish=publish,
                    **data,
                )
            messages.success(request, "Activity saved.")
            return redirect("activities:manage", activity.pk)
        except DomainError as exc:
            form.add_domain_error(exc)
    return render(
        request, "activities/activity_form.html", {"form": form, "booking": booking}
    )


@login_required
def activity_edit(request, activity_id: int):
    activity = activity_or_404(request, activity_id)
    require(request.user, "activities.change_activity", activity)
    with timezone.override(activity.booking.room.site.zoneinfo):
        form = ActivityForm(request.POST or None, instance=activity)
        del form.fields["slots"], form.fields["publish"]
        if request.method == "POST" and form.is_valid():
            try:
                data = {k: form.cleaned_data[k] for k in EDITABLE_FIELDS}
                services.activity_update(
                    activity=activity, updated_by=request.user, **data
                )
                messages.success(request, "Activity saved.")
                return redirect("activities:manage", activity.pk)
            except DomainError as exc:
                form.add_domain_error(exc)
        context = {"form": form, "booking": activity.booking, "activity": activity}
        return render(request, "activities/activity_form.html", context)


@login_required
def activity_manage(request, activity_id: int):
    activity = activity_or_404(request, activity_id)
    require(request.user, "activities.view_activity_signups", activity)
    sessions = selectors.activity_sessions(activity=activity)
    for session in sessions:
        session.places_left = selectors.places_for(activity, session).free_general
    context = {
        "activity": activity,
        "zone": activity.booking.room.site.zoneinfo,
        "sessions": sessions,
        "signups": selectors.activity_signups_for_partner(
            activity=activity, user=request.user
        ),
        "places_left": selectors.places_left(activity),
        "reason_form": ReasonForm(),
    }
    return render(request, "activities/activity_manage.html", context)


@login_required
@require_POST
def activity_publish(request, activity_id: int):
    activity = activity_or_404(request, activity_id)
    try:
        services.activity_publish(activity=activity, published_by=request.user)
        messages.success(request, "Published: families can now find it and sign up.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("activities:manage", activity.pk)


@login_required
@require_POST
def activity_cancel(request, activity_id: int):
    activity = activity_or_404(request, activity_id)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.activity_cancel(
            activity=activity, cancelled_by=request.user, reason=reason
        )
        messages.success(
            request, "Activity cancelled. Every family signed up has been emailed."
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("activities:manage", activity.pk)


@login_required
@require_POST
def session_cancel(request, session_id: int):
    session = get_object_or_404(
        Session.objects.select_related("activity"), pk=session_id
    )
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, "Reason: tell families why the session is cancelled.")
        return redirect("activities:manage", session.activity_id)
    try:
        services.session_cancel(
            session=session, reason=reason, cancelled_by=request.user
        )
        messages.success(
            request, "Session cancelled. Families signed up have been emailed."
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("activities:manage", session.activity_id)


@login_required
def session_register(request, session_id: int):
    session = get_object_or_404(
        Session.objects.select_related("activity__booking__room__site"), pk=session_id
    )
    require(request.user, "activities.take_register", session.activity)
    if request.method == "POST":
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            count = services.attendance_mark(
                session=session, marked_by=request.user, present_member_ids=present
            )
            messages.success(request, f"Register saved: {count} present.")
            return redirect("activities:register", session.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    rows = selectors.session_register(session=session, user=request.user)
    context = {
        "session": session,
        "activity": session.activity,
        "rows": rows,
        "zone": session.activity.booking.room.site.zoneinfo,
    }
    return render(request, "activities/session_register.html", context)
