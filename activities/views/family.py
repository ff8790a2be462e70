"""A family's own household: create, edit, members, sign-ups, data, deletion.

Each change goes through hub.views_base (`submit` for forms, `act` for
buttons): the service checks the rule and a domain error becomes a field
error or a page message."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from activities import selectors, services
from activities.forms import HouseholdForm, MemberForm
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
    return _member_saved(request, form, done, member=None)


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


def _member_saved(request, form, done, *, member):
    if done:
        messages.success(request, f"{done.value.first_name} is saved.")
        return redirect("activities:household")
    return render(
        request, "activities/member_form.html", {"form": form, "member": member}
    )


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
@require_POST
def signup_change(request, signup_id: int, kind: str):
    """Cancel a sign-up, or decline a place offered from the waitlist."""
    signup = selectors.signup_get(signup_id=signup_id, user=request.user)
    act(
        request,
        lambda: services.signup_cancel(
            signup=signup, cancelled_by=request.user, kind=kind
        ),
        success=f"Your sign-up to {signup.activity.title} is cancelled. "
        "The places are free for other families.",
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
