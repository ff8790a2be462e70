"""Family sign-up: a parent or carer creates an account, then (in activities)
tells us about their family.

A thin adapter: the form checks shape, partners.services.account_create makes
the account in one transaction (an error it raises is shown on the field it
names; nothing is saved), and the new user is signed in. The partner
application, which also makes an account, is a partners page
(partners.views_apply).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from hub.auth_backends import PASSWORD_BACKEND
from hub.forms_accounts import FamilySignupForm
from hub.throttles import throttled
from hub.views_base import submit
from partners import services


@sensitive_post_parameters("password1", "password2")
@throttled("signup")  # by address: there is no account yet
def signup_family(request):
    if request.user.is_authenticated:
        return redirect("activities:household-create")
    form = FamilySignupForm(request.POST or None)
    if request.method == "POST" and (
        done := submit(form, lambda _: services.account_create(**form.account_kwargs()))
    ):
        login(request, done.value, backend=PASSWORD_BACKEND)
        messages.success(
            request, "Your account is ready. Now tell us about your family."
        )
        return redirect("activities:household-create")
    return render(request, "registration/signup_family.html", {"form": form})
