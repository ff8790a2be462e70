"""Pages for the partner running activities: publish, see who is coming with
their needs, cancel, and take the register on a phone.

Objects come from selectors of what the user may see (404 otherwise); the
services check who may change them (403) and hub.views_base turns any other
domain error into a field error or a page message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from activities import selectors, services
from activities.forms import ActivityForm, ReasonForm
from activities.register_selectors import activity_no_shows
from hub.views_base import act, submit


@login_required
def activity_mine(request):
    activities = selectors.activity_rows_for_partner(user=request.user)
    return render(
        request,
        "activities/activity_mine.html",
        {
            "activities": activities,
            # Only bookings with a date still to come: an activity needs one.
            "bookings": selectors.bookings_for_publishing(user=request.user)
            .filter(slots__is_active=True, slots__starts_at__gt=timezone.now())
            .distinct(),
        },
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
    booking = selectors.booking_for_publishing(booking_id=booking_id, user=request.user)
    slot_choices = _slot_choices(booking)
    if not slot_choices:
        # Say so before the form is filled in, not after it is sent.
        status = 409 if request.method == "POST" else 200
        return render(
            request,
            "activities/activity_form.html",
            {"booking": booking},
            status=status,
        )
    with timezone.override(booking.room.site.zoneinfo):  # datetimes typed are local
        form = ActivityForm(
            request.POST or None,
            slot_choices=slot_choices,
            initial={"capacity": min(booking.room.capacity, 20)},
        )
        done = submit(
            form,
            lambda data: services.activity_create(
                booking=booking, created_by=request.user, **data
            ),
        )
    if done:
        messages.success(request, "Activity saved.")
        return redirect("activities:manage", done.value.pk)
    return render(
        request, "activities/activity_form.html", {"form": form, "booking": booking}
    )


@login_required
def activity_edit(request, activity_id: int):
    activity = selectors.activity_get_for_change(
        activity_id=activity_id, user=request.user
    )
    with timezone.override(activity.booking.room.site.zoneinfo):
        form = ActivityForm(request.POST or None, instance=activity, editing=True)
        done = submit(
            form,
            lambda data: services.activity_update(
                activity=activity, updated_by=request.user, **data
            ),
        )
        if done:
            messages.success(request, "Activity saved.")
            return redirect("activities:manage", activity.pk)
        context = {"form": form, "booking": activity.booking, "activity": activity}
        return render(request, "activities/activity_form.html", context)


@login_required
def activity_manage(request, activity_id: int):
    activity = selectors.activity_get(activity_id=activity_id, user=request.user)
    signups = selectors.activity_signups_for_partner(
        activity=activity, user=request.user
    )
    sessions = selectors.activity_sessions(activity=activity)
    for session in sessions:
        session.places_left = selectors.places_for(activity, session).free_general
    # Tonight's register first on a phone: dates still to come (or running
    # now) lead; finished ones fold away, the latest first.
    now = timezone.now()
    context = {
        "activity": activity,
        "zone": activity.booking.room.site.zoneinfo,
        "sessions": [s for s in sessions if s.ends_at > now],
        "past_sessions": [s for s in reversed(sessions) if s.ends_at <= now],
        "signups": signups,
        "places_left": selectors.places_left(activity),
        "reason_form": ReasonForm(),
        "history": selectors.activity_history(activity=activity),
        "no_shows": activity_no_shows(activity=activity),
    }
    return render(request, "activities/activity_manage.html", context)


@login_required
@require_POST
def activity_publish(request, activity_id: int):
    activity = selectors.activity_get(activity_id=activity_id, user=request.user)
    act(
        request,
        lambda: services.activity_publish(activity=activity, published_by=request.user),
        success="Published: families can now find it and sign up.",
    )
    return redirect("activities:manage", activity.pk)


@login_required
@require_POST
def activity_cancel(request, activity_id: int):
    activity = selectors.activity_get(activity_id=activity_id, user=request.user)
    act(
        request,
        lambda: services.activity_cancel(
            activity=activity,
            cancelled_by=request.user,
            reason=request.POST.get("reason", ""),
        ),
        success="Activity cancelled. Every family signed up has been emailed.",
    )
    return redirect("activities:manage", activity.pk)


@login_required
@require_POST
def session_cancel(request, session_id: int):
    session = selectors.session_get(session_id=session_id, user=request.user)
    act(
        request,
        lambda: services.session_cancel(
            session=session,
            reason=request.POST.get("reason", ""),
            cancelled_by=request.user,
        ),
        success="Session cancelled. Families signed up have been emailed.",
    )
    return redirect("activities:manage", session.activity_id)
