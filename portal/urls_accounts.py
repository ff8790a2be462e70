"""Signing in and out, password reset (Django's views, our templates) and
family sign-up. The partner application page is the partners app's own
(/partners/apply/, partners.views_apply)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from hub.forms_accounts import (
    AdminSignInForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SignInForm,
)
from hub.throttles import throttled
from portal import accounts

# Django's account forms under the rule of every page form (hub.forms_accounts):
# control characters are a form error, text is NFC. The admin's too.
admin.site.login_form = AdminSignInForm

urlpatterns = [
    # Sign-in and password reset POSTs are throttled by address (hub.throttles);
    # django-axes also locks an account after repeated failures.
    path(
        "login/",
        throttled("login")(
            auth_views.LoginView.as_view(authentication_form=SignInForm)
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-up/", accounts.signup_family, name="signup-family"),
    path(
        "password-reset/",
        throttled("password_reset")(
            auth_views.PasswordResetView.as_view(
                form_class=PasswordResetRequestForm,
                subject_template_name="registration/password_reset_subject.txt",
                email_template_name="registration/password_reset_email.txt",
            )
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
