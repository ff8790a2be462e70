"""The family's forms for one date of a series and for the adults who may
collect its children (forms parse and label; rules live in the services)."""

from django import forms

from activities.models import REASON_MAX_LENGTH, AuthorisedCollector
from activities.services.collectors import COLLECTOR_FIELDS, REQUIRED
from hub.forms_base import HubForm, HubModelForm


class DateCancelForm(HubForm):
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        label="Why are you not coming? (optional)",
        help_text="The organiser sees this.",
    )


class CollectorForm(HubModelForm):
    class Meta:
        model = AuthorisedCollector
        fields = list(COLLECTOR_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "name": "Full name",
            "relationship": "Who they are to your children",
            "phone": "Phone number",
            "password": "Password (optional)",
            "notes": "Anything else the organiser should know (optional)",
        }
        help_texts = {
            "relationship": "For example aunt, grandad, neighbour.",
            "password": "A word they give when they collect, so the organiser "
            "knows you sent them.",
            "notes": "For example which children they may collect, or days.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in REQUIRED.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        self.fields["phone"].widget.attrs.update({"type": "tel", "autocomplete": "tel"})
        self.fields["name"].widget.attrs["autocomplete"] = "off"
