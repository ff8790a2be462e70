"""Account pages: sign-up for a family and the partner application.

Thin adapters: the form checks shape, a partners.services function creates the
account (and the applied partner) in one transaction, and the new user is signed
in. Any error the service raises is shown on the field it names; nothing is saved.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.debug import sensitive_post_parameters

from hub.errors import DomainError
from hub.forms_accounts import (
    AccountForm,
    FamilySignupForm,
    OrganisationForm,
    PartnerApplicationForm,
)
from partners import services

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _sign_in(request, user) -> None:
    login(request, user, backend=BACKEND)


def _after_family_signup() -> str:
    """The household form when the activities app provides one, else home."""
    try:
        return reverse("activities:household-create")
    except NoReverseMatch:
        return reverse("hub:home")


@sensitive_post_parameters("password1", "password2")
def signup_family(request):
    """A parent or carer creates an account, then tells us about their family."""
    if request.user.is_authenticated:
        return redirect(_after_family_signup())
    form = FamilySignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_create(**form.account_kwargs())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            _sign_in(request, user)
            messages.success(
                request, "Your account is ready. Now tell us about your family."
            )
            return redirect(_after_family_signup())
    return render(request, "registration/signup_family.html", {"form": form})


def _submit_application(request, form):
    """Create the applied partner, and the applicant's account when signed out."""
    if request.user.is_authenticated:
        return services.partner_apply(applicant=request.user, **form.partner_kwargs())
    return services.partner_application_submit(
        account=form.account_kwargs(), partner=form.partner_kwargs()
    )


@sensitive_post_parameters("password1", "password2")
def partner_apply_view(request):
    """An organisation asks to use school rooms: one page, one transaction."""
    form_class = (
        OrganisationForm if request.user.is_authenticated else PartnerApplicationForm
    )
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                partner = _submit_application(request, form)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            if not request.user.is_authenticated:
                _sign_in(request, partner.memberships.get().user)
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
            "signed_in": request.user.is_authenticated,
            "account_fields": list(AccountForm.base_fields),
        },
    )
