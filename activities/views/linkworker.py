"""Link workers: refer families, follow their sign-ups and attendance, and
verify eligibility. The services check who may act; the pages are shown only to
those who may use them."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from activities import selectors, services
from activities.forms import HouseholdSearchForm, ReferralForm, VerifyForm
from activities.forms_linkworker import OnBehalfForm
from activities.services.households import household_for_claim
from hub.auth_backends import PASSWORD_BACKEND
from hub.forms_accounts import FamilySignupForm
from hub.rules import require_perm
from hub.throttles import throttled
from hub.views_base import act, submit
from partners.services import account_create


@login_required
@throttled("referral")
def referral_list(request):
    referrals = selectors.referral_rows_for_link_worker(user=request.user)
    chosen = request.GET.get("household", "")[:8]
    form = ReferralForm(request.POST or None, initial={"household_reference": chosen})
    done = submit(
        form, lambda data: services.referral_create(referred_by=request.user, **data)
    )
    if done:
        messages.success(request, _referred_message(done.value))
        return redirect("activities:referrals")
    search = HouseholdSearchForm(request.GET if "q" in request.GET else None)
    found = None
    if search.is_bound and search.is_valid():
        found = selectors.household_search_findable(
            user=request.user, text=search.cleaned_data["q"]
        )
    context = {
        "form": form,
        "search": search,
        "found": found,
        "referrals": referrals,
        "created": selectors.households_created_by(user=request.user),
    }
    return render(request, "activities/referral_list.html", context)


def _referred_message(referral) -> str:
    title = referral.activity.title
    if selectors.places_left_for_referred(activity_id=referral.activity_id) == 0:
        return (
            f"Referral made, but {title} is full: when {referral.household.name} "
            "signs up they join the waiting list, and we email them if a place "
            "comes up."
        )
    return f"Referral made. {referral.household.name} can now sign up to {title}."


@login_required
def eligibility_verify(request):
    require_perm(request.user, "activities.verify_eligibility")  # the page itself
    form = VerifyForm(request.POST or None)
    done = submit(
        form,
        lambda data: services.household_verify_eligibility(
            household=selectors.household_by_reference(
                reference=data["household_reference"]
            ),
            verified_by=request.user,
            eligible=data["eligible"],
        ),
    )
    if done:
        messages.success(
            request, f"Eligibility recorded for household {done.value.reference}."
        )
        return redirect("activities:verify")
    return render(request, "activities/eligibility_verify.html", {"form": form})


@login_required
def household_on_behalf(request):
    """A link worker sets up a household for a family who agreed."""
    require_perm(request.user, "activities.create_household_on_behalf")
    form = OnBehalfForm(request.POST or None)
    done = submit(
        form,
        lambda _: services.household_create_on_behalf(
            created_by=request.user, **form.service_kwargs()
        ),
    )
    if done:
        messages.success(
            request,
            f"Household set up. Its reference is {done.value.reference}. Invite the "
            "family to claim it below.",
        )
        return redirect("activities:referrals")
    return render(request, "activities/household_on_behalf.html", {"form": form})


@login_required
@require_POST
def household_invite(request, household_id: int):
    household = selectors.household_visible(
        household_id=household_id, user=request.user
    )
    act(
        request,
        lambda: services.household_invite_claim(
            household=household, invited_by=request.user
        ),
        success=f"We emailed {household.name} a link to claim their household.",
    )
    return redirect("activities:referrals")


@sensitive_post_parameters("password1", "password2")
@throttled("signup")
def household_claim(request, token: str):
    """The family opens the link: a new account (or the one they are signed in
    with) is attached to the household their link worker set up."""
    found = act(request, lambda: household_for_claim(token=token))
    if not found:  # expired or already used: the page says so, nothing else
        return render(request, "activities/household_claim.html", {"household": None})
    household = found.value
    if request.user.is_authenticated:
        if request.method == "POST" and act(
            request, lambda: services.household_claim(token=token, user=request.user)
        ):
            messages.success(request, "This is now your household.")
            return redirect("activities:household")
        return render(
            request, "activities/household_claim.html", {"household": household}
        )
    form = FamilySignupForm(request.POST or None)
    if request.method == "POST" and (
        done := submit(form, lambda _: _account_and_claim(form, token))
    ):
        login(request, done.value, backend=PASSWORD_BACKEND)
        messages.success(request, "Your account is ready and your household is yours.")
        return redirect("activities:household")
    return render(
        request,
        "activities/household_claim.html",
        {"household": household, "form": form},
    )


@transaction.atomic
def _account_and_claim(form, token: str):
    user = account_create(**form.account_kwargs())
    services.household_claim(token=token, user=user)
    return user
