"""Forms of the invoice and income pages. Amounts are typed in pounds and
handed to the services in integer pence."""

import datetime as dt
from decimal import Decimal

from django import forms

from hub.forms_base import HubForm
from payments.models import Payment

OFFLINE_CHOICES = [
    (Payment.Method.BANK_TRANSFER, "Bank transfer"),
    (Payment.Method.CHEQUE, "Cheque"),
    (Payment.Method.CASH, "Cash"),
]


def to_pence(pounds: Decimal) -> int:
    return int((pounds * 100).to_integral_value())


class RecordPaymentForm(HubForm):
    amount = forms.DecimalField(
        label="Amount received, in pounds",
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        max_digits=9,
        decimal_places=2,
        help_text="For example 120.50. At most the balance.",
    )
    method = forms.ChoiceField(label="How it was paid", choices=OFFLINE_CHOICES)
    reference = forms.CharField(
        label="Reference",
        max_length=100,
        required=False,
        help_text="The bank reference or cheque number.",
    )
    received_on = forms.DateField(
        label="Date received",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example 27 11 2026.",
    )

    def add_domain_error(self, exc) -> None:
        if exc.field == "amount_pence":
            exc.field = "amount"
        super().add_domain_error(exc)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "amount_pence": to_pence(data["amount"]),
            "method": data["method"],
            "reference": data["reference"],
            "received_on": data["received_on"],
        }


class VoidForm(HubForm):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The partner will see this.",
    )


class IncomeFilterForm(HubForm):
    site = forms.ModelChoiceField(queryset=None, label="School", empty_label=None)
    month = forms.CharField(
        label="Month",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text="For example 2026-10.",
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean_month(self) -> dt.date:
        value = self.cleaned_data["month"]
        try:
            return dt.date.fromisoformat(f"{value}-01")
        except ValueError:
            raise forms.ValidationError(
                "Enter the month as year and month, like 2026-10."
            ) from None
