"""Forms of the link worker's pages: a household set up for a family, with
the family's consent recorded."""

from django import forms

from activities.models import Household
from hub.forms_base import HubForm


class OnBehalfForm(HubForm):
    name = forms.CharField(
        max_length=120, label="Family name", help_text="For example 'The Khan family'."
    )
    carer_first_name = forms.CharField(
        max_length=100, label="Parent or carer's first name"
    )
    carer_last_name = forms.CharField(
        max_length=100, required=False, label="Parent or carer's last name"
    )
    email = forms.EmailField(
        required=False,
        label="Family's email address",
        help_text="We send the link to claim the household here.",
    )
    phone = forms.CharField(
        max_length=30, required=False, label="Family's phone number"
    )
    postcode = forms.CharField(max_length=8, required=False, label="Postcode")
    consent_given_by = forms.CharField(
        max_length=200,
        label="Who agreed",
        help_text="The name of the family member who agreed to you setting this up.",
        error_messages={"required": "Enter the name of the family member who agreed."},
    )
    consent_method = forms.ChoiceField(
        choices=Household.ConsentMethod.choices,
        label="How they agreed",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they agreed."},
    )
    consent_confirmed = forms.BooleanField(
        label="The family agreed to me setting up their household and knows they "
        "can see, change or delete it",
        error_messages={"required": "Confirm the family agreed before you continue."},
    )

    findable = forms.BooleanField(
        required=False,
        label="The family also agreed that link workers may find their "
        "household by name, postcode or a child's school",
        help_text="Leave this unticked unless they said yes: without it, link "
        "workers need the household's reference.",
    )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("consent_confirmed")
        first, last = data.pop("carer_first_name"), data.pop("carer_last_name")
        data["members"] = [{"kind": "carer", "first_name": first, "last_name": last}]
        return data
