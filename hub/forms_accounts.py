"""The account form shared by the sign-up pages: family sign-up (portal.accounts)
and the partner application (partners.views_apply, which adds the organisation).

The forms only check shape (required, email, matching passwords); the services
check what needs the database (taken username or email, weak password) and the
form shows their errors on the field they name.
"""

from django import forms

from hub.forms_base import HubForm


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
