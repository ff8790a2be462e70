"""Forms of the invoice and income pages. Amounts are typed in pounds and
handed to the services in integer pence."""

import datetime as dt
from decimal import Decimal

from django import forms

from hub.forms_base import HubForm
from payments.models import Payment, SiteBilling

OFFLINE_CHOICES = [
    (Payment.Method.BANK_TRANSFER, "Bank transfer"),
    (Payment.Method.CHEQUE, "Cheque"),
    (Payment.Method.CASH, "Cash"),
]


def to_pence(pounds: Decimal) -> int:
    return int((pounds * 100).to_integral_value())


def pounds_field(*, label: str, help_text: str) -> forms.DecimalField:
    """An amount of money typed in pounds and pence: from 1p to a million."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        max_digits=9,
        decimal_places=2,
        help_text=help_text,
    )


class AmountForm(HubForm):
    """A form whose `amount` (pounds) goes to a service as `amount_pence`: the
    service's error about `amount_pence` is shown on `amount`."""

    def add_domain_error(self, exc) -> None:
        if exc.field == "amount_pence":
            exc.field = "amount"
        super().add_domain_error(exc)


class RecordPaymentForm(AmountForm):
    amount = pounds_field(
        label="Amount received, in pounds",
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
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "amount_pence": to_pence(data["amount"]),
            "method": data["method"],
            "reference": data["reference"],
            "received_on": data["received_on"],
        }


class RefundPaymentForm(AmountForm):
    amount = pounds_field(
        label="Amount to refund, in pounds",
        help_text="For example 50.00. At most what is left of this payment.",
    )
    reason = forms.CharField(
        label="Why you are refunding",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The partner is told this.",
    )


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


class BillingForm(HubForm):
    frequency = forms.ChoiceField(
        label="Invoices", choices=SiteBilling.Frequency.choices
    )
    vat_percent = forms.DecimalField(
        label="VAT rate, per cent",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text="0 if the school does not charge VAT on lettings; 20 for 20%.",
    )
    vat_number = forms.CharField(label="VAT number", max_length=20, required=False)
    payment_terms_days = forms.IntegerField(
        label="Days to pay", min_value=0, max_value=365
    )
    cancellation_window_hours = forms.IntegerField(
        label="Late cancellation window, in hours",
        min_value=0,
        max_value=24 * 90,
        help_text="A date cancelled less than this long before it starts is "
        "still charged.",
    )
    cancellation_charge_percent = forms.IntegerField(
        label="Late cancellation charge, per cent of the price",
        min_value=0,
        max_value=100,
    )
    remittance_details = forms.CharField(
        label="How to pay (shown on invoices)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def for_billing(cls, billing: SiteBilling, data=None):
        initial = {
            name: getattr(billing, name)
            for name in cls.base_fields
            if name != "vat_percent"
        }
        initial["vat_percent"] = Decimal(billing.vat_rate_bp) / 100
        return cls(data, initial=initial)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["vat_rate_bp"] = int((data.pop("vat_percent") * 100).to_integral_value())
        return data

    def add_domain_error(self, exc) -> None:
        if exc.field == "vat_rate_bp":
            exc.field = "vat_percent"
        super().add_domain_error(exc)
