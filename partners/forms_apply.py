"""The partner application form: the organisation, and for someone signed out
their account too (hub.forms_accounts.AccountForm). Shape only; the services
check the rest."""

from django import forms

from hub.forms_accounts import AccountForm
from hub.forms_base import HubForm
from partners.models import Partner


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
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=200,
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
