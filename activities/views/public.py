"""Finding activities: the public listing and the activity page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from activities import selectors, services
from activities.errors import DomainError
from activities.forms import FilterForm, SignUpForm
from activities.views.common import activity_or_404


def activity_list(request):
    form = FilterForm(request.GET or None)
    filters = selectors.ActivityFilters()
    if form.is_bound and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        filters = selectors.ActivityFilters(**data)
    activities = list(selectors.activity_list_public(filters=filters)[:100])
    for activity in activities:
        activity.places_left = selectors.places_left(activity)
    return render(
        request,
        "activities/activity_list.html",
        {"form": form, "activities": activities},
    )


def activity_detail(request, activity_id: int):
    activity = activity_or_404(request, activity_id)
    sessions = selectors.activity_sessions(activity=activity)
    return render(
        request,
        "activities/activity_detail.html",
        _detail_context(request, activity, sessions),
    )


def _detail_context(request, activity, sessions, form=None) -> dict:
    now = timezone.now()
    for session in sessions:
        session.places_left = selectors.places_for(activity, session).free_general
    upcoming = [s for s in sessions if s.status == "scheduled" and s.starts_at > now]
    household = selectors.household_for_user(user=request.user)
    if household and form is None:
        form = SignUpForm(household=household, activity=activity, sessions=upcoming)
    return {
        "activity": activity,
        "site": activity.booking.room.site,
        "zone": activity.booking.room.site.zoneinfo,
        "sessions": sessions,
        "upcoming": upcoming,
        "places_left": selectors.places_left(activity),
        "household": household,
        "form": form,
        "can_manage": request.user.has_perm("activities.change_activity", activity),
    }


@login_required
@require_POST
def signup_create(request, activity_id: int):
    activity = activity_or_404(request, activity_id)
    household = selectors.household_for_user(user=request.user)
    if household is None:
        messages.info(request, "Tell us about your family first, then sign up.")
        return redirect("activities:household-create")
    sessions = selectors.activity_sessions(activity=activity)
    upcoming = [
        s for s in sessions if s.status == "scheduled" and s.starts_at > timezone.now()
    ]
    form = SignUpForm(
        request.POST, household=household, activity=activity, sessions=upcoming
    )
    if form.is_valid():
        try:
            result = services.signup_create(
                household=household,
                activity=activity,
                created_by=request.user,
                members=list(form.cleaned_data["members"]),
                session=form.cleaned_data.get("session"),
            )
            messages.success(request, result.message)
            return redirect("activities:household")
        except DomainError as exc:
            form.add_domain_error(exc)
    context = _detail_context(request, activity, sessions, form)
    return render(request, "activities/activity_detail.html", context, status=400)
