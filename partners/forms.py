"""Forms for partner pages. They parse input; services decide."""

from decimal import Decimal

from django import forms

from hub.forms_base import HubForm
from partners.models import ComplianceDocument, PartnerMembership


class StatusFilterForm(HubForm):
    status = forms.ChoiceField(
        required=False,
        label="Show",
        choices=[
            ("", "All partners"),
            ("applied", "Waiting for a decision"),
            ("approved", "Approved"),
            ("suspended", "Suspended"),
        ],
    )


class DecisionForm(HubForm):
    decision = forms.ChoiceField(
        choices=[
            ("approve", "Approve"),
            ("suspend", "Suspend"),
            ("reinstate", "Reinstate"),
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        required=False,
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The partner sees this. Required to suspend or turn down an "
        "application.",
    )


class DocumentUploadForm(HubForm):
    kind = forms.ChoiceField(
        choices=ComplianceDocument.Kind.choices, label="Type of document"
    )
    file = forms.FileField(
        label="File",
        help_text="A PDF, PNG or JPEG of 10 MB or less.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    expires_on = forms.DateField(
        required=False,
        label="Expiry date",
        help_text="Needed for insurance and DBS confirmation.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    cover_amount = forms.DecimalField(
        required=False,
        label="Amount of cover, in pounds (insurance only)",
        help_text="For example 5000000 for £5 million.",
        min_value=Decimal("1"),
        max_digits=12,
        decimal_places=2,
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        cover = data.get("cover_amount")
        return {
            "kind": data["kind"],
            "file": data["file"],
            "expires_on": data.get("expires_on"),
            "cover_amount_pence": int(cover * 100) if cover is not None else None,
        }


class MemberAddForm(HubForm):
    email = forms.EmailField(
        label="Their email address", help_text="They need an account first."
    )
    role = forms.ChoiceField(choices=PartnerMembership.Role.choices, label="Role")
