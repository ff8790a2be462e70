"""The account form shared by the sign-up pages: family sign-up (portal.accounts)
and the partner application (partners.views_apply, which adds the organisation).

The forms only check shape (required, email, matching passwords); the services
check what needs the database (taken username or email, weak password) and the
form shows their errors on the field they name.

Django's own account forms (sign-in, password reset, choosing a new password,
the admin's sign-in) are subclassed here under the rule of every page form
(hub.forms_base.TextFieldsMixin): text in NFC, control characters refused on
the field they are in, so a NUL in a username is a form error, never a 500
from the database; passwords are left exactly as typed (Django refuses a NUL
in one). portal/urls_accounts.py wires them.
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
)

from hub.forms_base import (
    HubBoundField,
    HubForm,
    PlainMessagesMixin,
    TextFieldsMixin,
)

NUL_IN_PASSWORD = "Remove the null character from the password."


class _AccountFormMixin(PlainMessagesMixin, TextFieldsMixin):
    bound_field_class = HubBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.PasswordInput):
                field.error_messages["null_characters_not_allowed"] = NUL_IN_PASSWORD


class SignInForm(_AccountFormMixin, AuthenticationForm):
    """The sign-in page's form (django.contrib.auth's LoginView)."""


class AdminSignInForm(_AccountFormMixin, AdminAuthenticationForm):
    """The admin site's sign-in form (staff only, as Django's)."""


class PasswordResetRequestForm(_AccountFormMixin, PasswordResetForm):
    """Asks for the email address to send a reset link to."""


class NewPasswordForm(_AccountFormMixin, SetPasswordForm):
    """Choosing a new password from a reset link."""


class AccountForm(HubForm):
    """The fields of a new account. Password strength is checked by the service."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Email address",
        help_text="We send booking news and password reset links here.",
        error_messages={
            "invalid": "Enter an email address like name@example.org.",
            "required": "Enter your email address.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    username = forms.RegexField(
        label="Username",
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text="You sign in with this. Letters, numbers and @ . + - _ only.",
        error_messages={
            "invalid": "Use only letters, numbers and @ . + - _ in your username.",
            "required": "Choose a username.",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text="At least 8 characters. Not a common password, not all numbers.",
        error_messages={"required": "Choose a password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        error_messages={"required": "Type your password again."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error(
                "password2", "The passwords do not match. Type the same one twice."
            )
        return data

    def account_kwargs(self) -> dict:
        """The keyword arguments for partners.services.account_create."""
        data = self.cleaned_data
        return {
            "username": data["username"],
            "email": data["email"],
            "password": data["password1"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
        }


class FamilySignupForm(AccountForm):
    pass
