"""Link workers: refer families, follow their sign-ups and attendance, and
verify eligibility. The services check who may act; the pages are shown only to
those who may use them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from activities import selectors, services
from activities.forms import ReferralForm, VerifyForm
from hub.rules import require_perm
from hub.throttles import throttled
from hub.views_base import submit


@login_required
@throttled("referral")
def referral_list(request):
    referrals = selectors.referral_rows_for_link_worker(user=request.user)
    form = ReferralForm(request.POST or None)
    if submit(
        form, lambda data: services.referral_create(referred_by=request.user, **data)
    ):
        messages.success(request, "Referral made. The family can now sign up.")
        return redirect("activities:referrals")
    return render(
        request, "activities/referral_list.html", {"form": form, "referrals": referrals}
    )


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
