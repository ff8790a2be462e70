"""Signing in and out, password reset (Django's views, our templates) and
family sign-up. The partner application page is the partners app's own
(/partners/apply/, partners.views_apply)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from hub.throttles import throttled
from portal import accounts

urlpatterns = [
    # Sign-in and password reset POSTs are throttled by address (hub.throttles);
    # django-axes also locks an account after repeated failures.
    path("login/", throttled("login")(auth_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-up/", accounts.signup_family, name="signup-family"),
    path(
        "password-reset/",
        throttled("password_reset")(
            auth_views.PasswordResetView.as_view(
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
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
