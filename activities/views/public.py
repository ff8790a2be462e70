"""Finding activities: the public listing and the activity page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from activities import pricing, selectors, services
from activities.forms import FilterForm, SignUpForm
from hub.throttles import throttled
from hub.views_base import submit


def activity_list(request):
    form = FilterForm(request.GET or None)
    filters = selectors.ActivityFilters()
    if form.is_bound and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        filters = selectors.ActivityFilters(**data)
    activities = list(selectors.activity_list_public(filters=filters)[:100])
    for activity in activities:
        activity.places_left = selectors.places_left(activity)
        activity.price_text = pricing.describe(activity)
    return render(
        request,
        "activities/activity_list.html",
        {"form": form, "activities": activities},
    )


def activity_detail(request, activity_id: int):
    activity = selectors.activity_get(activity_id=activity_id, user=request.user)
    sessions = selectors.activity_sessions(activity=activity)
    return render(
        request,
        "activities/activity_detail.html",
        _detail_context(request, activity, sessions),
    )


def _upcoming(sessions):
    now = timezone.now()
    return [s for s in sessions if s.status == "scheduled" and s.starts_at > now]


def _detail_context(request, activity, sessions, form=None) -> dict:
    for session in sessions:
        session.places_left = selectors.places_for(activity, session).free_general
    upcoming = _upcoming(sessions)
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
        "price_text": pricing.describe(activity),
        "refund_text": pricing.describe_refunds(activity),
        "household": household,
        "form": form,
        "needs_referral": _needs_referral(activity, household),
        "now": timezone.now(),
    }


def _needs_referral(activity, household) -> bool:
    """A referral-only activity and a family without an open referral: the
    page explains referral instead of offering a form that would be refused."""
    if activity.eligibility != activity.Eligibility.REFERRAL:
        return False
    return not selectors.has_open_referral(activity=activity, household=household)


@login_required
@require_POST
@throttled("signup")
def signup_create(request, activity_id: int):
    household = selectors.household_for_user(user=request.user)
    activity = selectors.activity_for_signup(
        activity_id=activity_id, user=request.user, household=household
    )
    if household is None:
        messages.info(request, "Tell us about your family first, then sign up.")
        return redirect("activities:household-create")
    sessions = selectors.activity_sessions(activity=activity)
    form = SignUpForm(
        request.POST,
        household=household,
        activity=activity,
        sessions=_upcoming(sessions),
    )
    done = submit(
        form,
        lambda data: services.signup_create(
            household=household,
            activity=activity,
            created_by=request.user,
            members=list(data["members"]),
            session=data.get("session"),
        ),
    )
    if done:
        if done.value.signup.status == "awaiting_payment":
            messages.success(request, done.value.message)
            return redirect("payments:checkout", done.value.signup.pk)
        return redirect("activities:signup-detail", done.value.signup.pk)
    # The page shows places left and the next date: the annotated read.
    activity = selectors.activity_get(activity_id=activity_id, user=request.user)
    context = _detail_context(request, activity, sessions, form)
    return render(request, "activities/activity_detail.html", context, status=400)
