"""Link workers: refer families, follow their sign-ups and attendance, and
verify eligibility."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from activities import selectors, services
from activities.errors import DomainError, NotFound
from activities.forms import ReferralForm, VerifyForm
from activities.models import Household
from activities.views.common import require


@login_required
def referral_list(request):
    require(request.user, "activities.refer_household")
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(
                referred_by=request.user,
                household_reference=form.cleaned_data["household_reference"],
                activity=form.cleaned_data["activity"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, "Referral made. The family can now sign up.")
            return redirect("activities:referrals")
        except DomainError as exc:
            form.add_domain_error(exc)
    referrals = list(selectors.referral_list_for_link_worker(user=request.user))
    for referral in referrals:
        referral.own_signups = [
            s
            for s in referral.household.signups.all()
            if s.activity_id == referral.activity_id
        ]
    return render(
        request, "activities/referral_list.html", {"form": form, "referrals": referrals}
    )


@login_required
def eligibility_verify(request):
    require(request.user, "activities.verify_eligibility")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["household_reference"].strip().upper()
        household = Household.objects.filter(
            reference=reference, erased_at__isnull=True
        ).first()
        try:
            if household is None:
                raise NotFound(
                    "No household has that reference.", field="household_reference"
                )
            services.household_verify_eligibility(
                household=household,
                verified_by=request.user,
                eligible=form.cleaned_data["eligible"],
            )
            messages.success(
                request, f"Eligibility recorded for household {reference}."
            )
            return redirect("activities:verify")
        except DomainError as exc:
            form.add_domain_error(exc)
    return render(request, "activities/eligibility_verify.html", {"form": form})
