"""A family's own household: create, edit, members, sign-ups, data, deletion."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from activities import selectors, services
from activities.errors import DomainError
from activities.forms import HouseholdForm, MemberForm
from activities.models import HouseholdMember, SignUp
from activities.services.households import HOUSEHOLD_FIELDS, MEMBER_FIELDS


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
    }
    return render(request, "activities/household_detail.html", context)


@login_required
def household_create(request):
    if _own(request) is not None:
        return redirect("activities:household")
    form = HouseholdForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: form.cleaned_data[k] for k in HOUSEHOLD_FIELDS}
            services.household_create(user=request.user, **data)
            messages.success(
                request, "Household saved. Now add the people in your family."
            )
            return redirect("activities:member-add")
        except DomainError as exc:
            form.add_domain_error(exc)
    return render(
        request, "activities/household_form.html", {"form": form, "creating": True}
    )


@login_required
def household_edit(request):
    household = _own(request)
    if household is None:
        return redirect("activities:household-create")
    form = HouseholdForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: form.cleaned_data[k] for k in HOUSEHOLD_FIELDS}
            services.household_update(
                household=_own(request), updated_by=request.user, **data
            )
            messages.success(request, "Your household details are saved.")
            return redirect("activities:household")
        except DomainError as exc:
            form.add_domain_error(exc)
    return render(
        request, "activities/household_form.html", {"form": form, "creating": False}
    )


def _member_form_view(request, member=None):
    household = _own(request)
    if household is None:
        return redirect("activities:household-create")
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in MEMBER_FIELDS}
        try:
            if member is None:
                services.member_add(household=household, added_by=request.user, **data)
            else:
                services.member_update(
                    member=_fresh(member), updated_by=request.user, **data
                )
            messages.success(request, f"{data['first_name']} is saved.")
            return redirect("activities:household")
        except DomainError as exc:
            form.add_domain_error(exc)
    return render(
        request, "activities/member_form.html", {"form": form, "member": member}
    )


def _fresh(member):
    return HouseholdMember.objects.select_related("household").get(pk=member.pk)


@login_required
def member_add(request):
    return _member_form_view(request)


@login_required
def member_edit(request, member_id: int):
    household = _own(request)
    member = get_object_or_404(HouseholdMember, pk=member_id, household=household)
    return _member_form_view(request, member)


@login_required
@require_POST
def member_remove(request, member_id: int):
    member = get_object_or_404(HouseholdMember, pk=member_id, household=_own(request))
    try:
        services.member_remove(member=member, removed_by=request.user)
        messages.success(
            request, f"{member.first_name} is removed from your household."
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("activities:household")


@login_required
@require_POST
def signup_change(request, signup_id: int, action: str):
    signup = get_object_or_404(
        SignUp.objects.select_related("activity", "household"),
        pk=signup_id,
        household=_own(request),
    )
    service = services.signup_decline if action == "decline" else services.signup_cancel
    key = "declined_by" if action == "decline" else "cancelled_by"
    try:
        service(signup=signup, **{key: request.user})
        messages.success(
            request,
            f"Your sign-up to {signup.activity.title} is cancelled. The places are free for other families.",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
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
        services.household_request_deletion(
            household=household, requested_by=request.user
        )
        messages.success(
            request,
            "Your household's personal data is erased and its sign-ups are cancelled.",
        )
        return redirect("activities:list")
    return render(request, "activities/household_delete.html", {"household": household})
