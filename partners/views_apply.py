"""The partner application: an organisation asks to use school rooms. One page,
one transaction: for someone signed out it makes their account as well, then
signs them in. The form checks shape; partners.services checks the rest, and an
error it raises is shown on the field it names (hub.views_base.submit)."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from hub.auth_backends import PASSWORD_BACKEND
from hub.forms_accounts import AccountForm
from hub.throttles import throttled
from hub.views_base import submit
from partners import services
from partners.forms_apply import OrganisationForm, PartnerApplicationForm


def _submit_application(request, form):
    """Create the applied partner, and the applicant's account when signed out."""
    if request.user.is_authenticated:
        return services.partner_apply(applicant=request.user, **form.partner_kwargs())
    return services.partner_application_submit(
        account=form.account_kwargs(), partner=form.partner_kwargs()
    )


@sensitive_post_parameters("password1", "password2")
@throttled("partner_apply")
def partner_apply(request):
    signed_in = request.user.is_authenticated
    form_class = OrganisationForm if signed_in else PartnerApplicationForm
    form = form_class(request.POST or None)
    if request.method == "POST" and (
        done := submit(form, lambda _: _submit_application(request, form))
    ):
        partner = done.value
        if not signed_in:
            login(request, partner.memberships.get().user, backend=PASSWORD_BACKEND)
        messages.success(
            request,
            f"Thank you. We have your application for {partner.name}. A business "
            "manager will review it; meanwhile upload your compliance documents.",
        )
        return redirect("partners:mine")
    return render(
        request,
        "registration/partner_apply.html",
        {
            "form": form,
            "signed_in": signed_in,
            "account_fields": list(AccountForm.base_fields),
        },
    )
