"""Forms for signing up: a family account, and a partner organisation's application.

The forms only check shape (required, email, URL, matching passwords); the
services check what needs the database (taken username or email, weak password)
and the form shows their errors on the field they name.
"""

from django import forms

from hub.forms_base import HubForm
from partners.models import Partner


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


class OrganisationForm(HubForm):
    """The organisation's details for a partner application."""

    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={"required": "Enter the name of your organisation."},
    )
    kind = forms.ChoiceField(
        label="Type of organisation",
        choices=[("", "Choose one")] + list(Partner.Kind.choices),
        error_messages={
            "required": "Choose the type of organisation.",
            "invalid_choice": "Choose the type of organisation from the list.",
        },
    )
    registration_number = forms.CharField(
        label="Charity or company number",
        max_length=20,
        required=False,
        help_text="Leave blank if you are not registered.",
    )
    description = forms.CharField(
        label="What your organisation does",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address like https://www.example.org."},
    )
    contact_name = forms.CharField(
        label="Contact name",
        max_length=200,
        error_messages={"required": "Enter the name of the person we should contact."},
    )
    contact_email = forms.EmailField(
        label="Contact email address",
        error_messages={
            "invalid": "Enter a contact email address like name@example.org.",
            "required": "Enter a contact email address.",
        },
    )
    contact_phone = forms.CharField(
        label="Contact phone number", max_length=30, required=False
    )

    def partner_kwargs(self) -> dict:
        """The keyword arguments for partners.services.partner_apply."""
        return {name: self.cleaned_data[name] for name in self.fields}


class PartnerApplicationForm(OrganisationForm, AccountForm):
    """Account fields first, then the organisation, for someone signed out."""

    field_order = list(AccountForm.base_fields) + list(OrganisationForm.base_fields)

    def partner_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in OrganisationForm.base_fields}
