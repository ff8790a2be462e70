"""A family's own household: create, edit, members, sign-ups, data, deletion.

Each change goes through hub.views_base (`submit` for forms, `act` for
buttons): the service checks the rule and a domain error becomes a field
error or a page message."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from activities import selectors, services
from activities.forms import HouseholdForm, MemberForm, SignUpCancelForm
from activities.forms_family import DateCancelForm
from activities.models import Session, SignUp
from activities.services.signup_dates import PLACE_STATUSES
from bookings.pricing import format_pence
from hub.errors import NotFound
from hub.views_base import act, submit


def _own(request):
    return selectors.household_for_user(user=request.user)


@login_required
def household_detail(request):
    household = _own(request)
    if household is None:
        return redirect("activities:household-create")
    context = {
        "household": household,
        "members": list(household.members.all()),
        "collectors": list(household.collectors.all()),
        "signups": selectors.household_signups(household=household),
        "history": selectors.household_history(household=household),
    }
    return render(request, "activities/household_detail.html", context)


@login_required
def household_create(request):
    if _own(request) is not None:
        return redirect("activities:household")
    form = HouseholdForm(request.POST or None, initial={"email": request.user.email})
    if submit(form, lambda data: services.household_create(user=request.user, **data)):
        messages.success(request, "Household saved. Now add the people in your family.")
        return redirect("activities:member-add")
    return render(
        request, "activities/household_form.html", {"form": form, "creating": True}
    )


@login_required
def household_edit(request):
    household = _own(request)
    if household is None:
        return redirect("activities:household-create")
    form = HouseholdForm(request.POST or None, instance=household)
    done = submit(
        form,
        lambda data: services.household_update(
            household=_own(request), updated_by=request.user, **data
        ),
    )
    if done:
        messages.success(request, "Your household details are saved.")
        return redirect("activities:household")
    return render(
        request, "activities/household_form.html", {"form": form, "creating": False}
    )


@login_required
def member_add(request):
    household = _own(request)
    if household is None:
        return redirect("activities:household-create")
    form = MemberForm(request.POST or None)
    done = submit(
        form,
        lambda data: services.member_add(
            household=household, added_by=request.user, **data
        ),
    )
    return _member_saved(request, form, done, member=None, back=_safe_next(request))


@login_required
def member_edit(request, member_id: int):
    member = selectors.member_get_own(member_id=member_id, user=request.user)
    form = MemberForm(request.POST or None, instance=member)
    done = submit(
        form,
        lambda data: services.member_update(
            member=selectors.member_get_own(member_id=member_id, user=request.user),
            updated_by=request.user,
            **data,
        ),
    )
    return _member_saved(request, form, done, member=member)


def _member_saved(request, form, done, *, member, back=None):
    if done:
        if back:
            messages.success(
                request, f"{done.value.first_name} is saved. You can sign them up now."
            )
            return redirect(back)
        messages.success(request, f"{done.value.first_name} is saved.")
        return redirect("activities:household")
    return render(
        request,
        "activities/member_form.html",
        {"form": form, "member": member, "back": back},
    )


def _safe_next(request) -> str | None:
    """Where to go back to after adding someone (the activity whose sign-up
    form linked here), if it is a path on this site."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else None


@login_required
@require_POST
def member_remove(request, member_id: int):
    member = selectors.member_get_own(member_id=member_id, user=request.user)
    act(
        request,
        lambda: services.member_remove(member=member, removed_by=request.user),
        success=f"{member.first_name} is removed from your household.",
    )
    return redirect("activities:household")


@login_required
def signup_detail(request, signup_id: int):
    """The confirmation page a family lands on after signing up: dates, place,
    what to bring, who is coming, and Add to calendar."""
    signup = selectors.signup_get_own(signup_id=signup_id, user=request.user)
    site = signup.activity.booking.room.site
    return render(
        request,
        "activities/signup_detail.html",
        {
            "signup": signup,
            "site": site,
            "zone": site.zoneinfo,
            "cancelled_ids": _cancelled_ids(signup),
            "dates_changeable": _dates_changeable(signup),
            "now": timezone.now(),
            "free_now": _free_now(signup, request.user),
        },
    )


def _free_now(signup, user) -> int:
    """Places free now on a waitlisted sign-up's series or date: more than
    none means there was room, just not for everyone in it, so the page does
    not call the activity full."""
    if signup.status != SignUp.Status.WAITLISTED:
        return 0
    try:
        activity = selectors.activity_get(activity_id=signup.activity_id, user=user)
    except NotFound:
        return 0
    if signup.session_id is None:
        return selectors.places_for(activity).free_general
    session = next(
        (
            s
            for s in selectors.activity_sessions(activity=activity)
            if s.pk == signup.session_id
        ),
        None,
    )
    return selectors.places_for(activity, session).free_general if session else 0


def _cancelled_ids(signup) -> set[int]:
    return set(signup.cancelled_dates.values_list("session_id", flat=True))


def _dates_changeable(signup) -> bool:
    """A whole-series place: the family may cancel (or restore) one date."""
    return signup.session_id is None and signup.status in PLACE_STATUSES


def _date_of(signup, session_id: int) -> Session:
    """One date of the sign-up's activity, else 404."""
    session = Session.objects.filter(
        pk=session_id, activity_id=signup.activity_id
    ).first()
    if session is None:
        raise Http404("No such date in this activity.")
    return session


@login_required
def signup_date_cancel(request, signup_id: int, session_id: int):
    """Not coming on one date of a whole-series place: asks first, with an
    optional reason; the place on the other dates stays."""
    signup = selectors.signup_get_own(signup_id=signup_id, user=request.user)
    session = _date_of(signup, session_id)
    zone = signup.activity.booking.room.site.zoneinfo
    form = DateCancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        done = submit(
            form,
            lambda data: services.signup_cancel_date(
                signup=signup, session=session, cancelled_by=request.user, **data
            ),
        )
        if done:
            when = timezone.localtime(session.starts_at, zone)
            messages.success(
                request,
                f"You are not coming to {signup.activity.title} on "
                f"{when:%A %-d %B}. Your place on the other dates stays yours. "
                "We have emailed you.",
            )
            return redirect("activities:signup-detail", signup.pk)
        status = 400
    return render(
        request,
        "activities/signup_date_cancel.html",
        {
            "signup": signup,
            "session": session,
            "zone": zone,
            "form": form,
            "changeable": _dates_changeable(signup),
            "already": session.pk in _cancelled_ids(signup),
        },
        status=status,
    )


@login_required
@require_POST
def signup_date_restore(request, signup_id: int, session_id: int):
    """Coming on a date after all (not destructive: one button)."""
    signup = selectors.signup_get_own(signup_id=signup_id, user=request.user)
    session = _date_of(signup, session_id)
    if session.pk not in _cancelled_ids(signup):
        messages.info(request, "You are already down as coming on that date.")
        return redirect("activities:signup-detail", signup.pk)
    when = timezone.localtime(
        session.starts_at, signup.activity.booking.room.site.zoneinfo
    )
    act(
        request,
        lambda: services.signup_restore_date(
            signup=signup, session=session, restored_by=request.user
        ),
        success=f"You are coming to {signup.activity.title} on {when:%A %-d %B} "
        "after all.",
    )
    return redirect("activities:signup-detail", signup.pk)


@login_required
def signup_cancel(request, signup_id: int):
    """Cancelling asks first, on its own page: everyone in the sign-up, or one
    person. A POST without `who` cancels the whole sign-up."""
    signup = selectors.signup_get_own(signup_id=signup_id, user=request.user)
    members = list(signup.members.all())
    form = SignUpCancelForm(
        request.POST if request.method == "POST" else None, members=members
    )
    if request.method == "POST":
        done = submit(form, lambda data: _cancel(request, signup, data["who"]))
        if done:
            messages.success(request, done.value)
            return redirect("activities:household")
        status = 400
    else:
        status = 200
    return render(
        request,
        "activities/signup_cancel.html",
        {
            "signup": signup,
            "form": form,
            "members": members,
            "dates": _dates_to_come(signup) if _dates_changeable(signup) else [],
        },
        status=status,
    )


def _dates_to_come(signup) -> list[Session]:
    """The series' dates still to come that the family is still coming to."""
    off = _cancelled_ids(signup)
    return [
        s
        for s in signup.activity.sessions.filter(
            status=Session.Status.SCHEDULED, starts_at__gt=timezone.now()
        ).order_by("starts_at")
        if s.pk not in off
    ]


def _cancel(request, signup, who) -> str:
    title = signup.activity.title
    if who is None:
        services.signup_cancel(signup=signup, cancelled_by=request.user)
        return (
            f"Your sign-up to {title} is cancelled. "
            "The places are free for other families."
        )
    amount_before = signup.amount_pence
    after = services.signup_remove_member(
        signup=signup, member=who, cancelled_by=request.user
    )
    if after.status == SignUp.Status.CANCELLED:
        return f"Your sign-up to {title} is cancelled. The place is free for other families."
    price = ""
    if after.amount_pence != amount_before:
        price = (
            f" The price is now {format_pence(after.amount_pence)}. If a refund "
            "is due under the activity's refund policy, we email you about it."
        )
    return (
        f"{who.first_name} is no longer signed up to {title}. "
        f"{_names(after)} still signed up.{price}"
    )


def _names(signup) -> str:
    names = [m.first_name for m in signup.members.all()]
    joined = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    return f"{joined} {'are' if len(names) > 1 else 'is'}"


@login_required
@require_POST
def signup_decline(request, signup_id: int):
    """Decline a place offered from the waitlist."""
    signup = selectors.signup_get(signup_id=signup_id, user=request.user)
    act(
        request,
        lambda: services.signup_cancel(
            signup=signup, cancelled_by=request.user, kind=SignUp.Status.DECLINED
        ),
        success=f"You have declined the place at {signup.activity.title}. "
        "It is offered to the next family.",
    )
    return redirect("activities:household")


@login_required
def household_export(request):
    household = _own(request)
    if household is None:
        return redirect("activities:household-create")
    body = json.dumps(selectors.household_export(household=household), indent=2)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="our-household-data.json"'
    return response


@login_required
def household_delete(request):
    household = _own(request)
    if household is None:
        return redirect("activities:household-create")
    if request.method == "POST":
        done = act(
            request,
            lambda: services.household_request_deletion(
                household=household, requested_by=request.user
            ),
            success="Your household's personal data is erased and its sign-ups "
            "are cancelled.",
        )
        return redirect("activities:list" if done else "activities:household")
    return render(request, "activities/household_delete.html", {"household": household})
