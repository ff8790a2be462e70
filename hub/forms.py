"""Forms for sites, rooms, opening hours, school dates and staff roles.

Forms only parse and explain; hub.services validates again and saves.
"""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from hub import services
from hub.forms_base import HubForm, HubModelForm
from hub.models import OpeningHours, RoomFeature, Site, StaffRole

SITE_FIELDS = [f for f in services.SITE_FIELDS if f != "trust"]  # trust: create only


def pence_from_pounds(pounds: Decimal) -> int:
    """Exact: the form field allows at most two decimal places."""
    return int(pounds * 100)


class SiteForm(HubModelForm):
    class Meta:
        model = Site
        fields = SITE_FIELDS
        labels = {
            "slug": "Web address",
            "area": "Area",
            "timezone": "Time zone",
            "closed_on_bank_holidays": "Closed on bank holidays",
        }
        help_texts = {
            "slug": "Lower-case letters, numbers and hyphens, e.g. hillside-primary.",
            "timezone": "An IANA time zone name. Schools in the UK use Europe/London.",
        }
        # A taken slug is explained by Site's constraint (site_slug_unique).
        error_messages = {
            "postcode": {"max_length": "Enter a real UK postcode, like SW1A 1AA."},
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class SiteCreateForm(SiteForm):
    class Meta(SiteForm.Meta):
        fields = ["trust", *SITE_FIELDS]
        labels = {**SiteForm.Meta.labels, "trust": "Trust or partnership"}


class RoomForm(HubForm):
    """Rates are typed in pounds and stored in pence."""

    name = forms.CharField(max_length=120)
    slug = forms.SlugField(
        max_length=80,
        label="Web address",
        help_text="Lower-case letters, numbers and hyphens, e.g. main-hall.",
    )
    description = forms.CharField(
        widget=forms.Textarea, required=False, max_length=5000
    )
    capacity = forms.IntegerField(
        min_value=1,
        max_value=100_000,
        help_text="The most people allowed in the room at once.",
        error_messages={"min_value": "Capacity must be at least 1 person."},
    )
    features = forms.ModelMultipleChoiceField(
        queryset=RoomFeature.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accessibility_notes = forms.CharField(
        widget=forms.Textarea, required=False, max_length=2000
    )
    rate_daytime = forms.DecimalField(
        label="Daytime rate per hour (£)", min_value=0, max_digits=8, decimal_places=2
    )
    rate_evening = forms.DecimalField(
        label="Evening rate per hour (£)", min_value=0, max_digits=8, decimal_places=2
    )
    rate_weekend = forms.DecimalField(
        label="Weekend rate per hour (£)", min_value=0, max_digits=8, decimal_places=2
    )
    setup_buffer_minutes = forms.IntegerField(
        label="Setting-up time (minutes)", min_value=0, max_value=240, initial=15
    )
    cleardown_buffer_minutes = forms.IntegerField(
        label="Clearing-down time (minutes)", min_value=0, max_value=240, initial=15
    )
    is_bookable = forms.BooleanField(
        label="Partners can request this room", required=False, initial=True
    )

    @classmethod
    def initial_for(cls, room) -> dict:
        initial = {
            name: getattr(room, name)
            for name in cls.base_fields
            if not name.startswith("rate_") and name != "features"
        }
        for band in ("daytime", "evening", "weekend"):
            pence = getattr(room, f"rate_{band}_pence")
            initial[f"rate_{band}"] = (Decimal(pence) / 100).quantize(Decimal("0.01"))
        initial["features"] = list(room.features.all())
        return initial

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for band in ("daytime", "evening", "weekend"):
            data[f"rate_{band}_pence"] = pence_from_pounds(data.pop(f"rate_{band}"))
        return data


class OpeningHoursForm(HubForm):
    """A pair of times per weekday; both empty means closed that day."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, name in OpeningHours.Weekday.choices:
            widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=f"{name} opens", required=False, widget=widget
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=f"{name} closes", required=False, widget=widget
            )

    @staticmethod
    def initial_for(site) -> dict:
        initial = {}
        for row in site.opening_hours.all():
            initial[f"opens_{row.weekday}"] = row.opens_at
            initial[f"closes_{row.weekday}"] = row.closes_at
        return initial

    def clean(self):
        data = super().clean()
        for day, name in OpeningHours.Weekday.choices:
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if (opens is None) != (closes is None):
                missing = "closes" if closes is None else "opens"
                self.add_error(
                    f"{missing}_{day}",
                    f"Enter both times for {name}, or leave both empty if closed.",
                )
            elif opens and closes <= opens:
                self.add_error(
                    f"closes_{day}",
                    f"The closing time must be after the opening time "
                    f"({opens:%H:%M}). Leave both empty if closed on {name}.",
                )
        return data

    def day_pairs(self):
        """[(weekday name, opens bound field, closes bound field)] for the template."""
        return [
            (name, self[f"opens_{day}"], self[f"closes_{day}"])
            for day, name in OpeningHours.Weekday.choices
        ]

    def hours(self) -> dict:
        data = self.cleaned_data
        return {
            day: (data[f"opens_{day}"], data[f"closes_{day}"])
            for day in OpeningHours.Weekday.values
            if data.get(f"opens_{day}")
        }


class DatePeriodForm(HubForm):
    name = forms.CharField(max_length=120)
    starts_on = forms.DateField(label="First day")
    ends_on = forms.DateField(label="Last day")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on", "The last day must be the same as or after the first day."
            )
        return data


class ClosureForm(DatePeriodForm):
    name = None
    reason = forms.CharField(
        max_length=200, help_text="For example: polling station, building works."
    )
    field_order = ["reason", "starts_on", "ends_on"]


class StaffRoleForm(HubForm):
    email = forms.EmailField(
        label="Email address", help_text="The person must already have an account."
    )
    role = forms.ChoiceField(choices=StaffRole.Role.choices)

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                "No account uses this email address. Ask the person to sign up "
                "first, then try again."
            )
        self.user = user
        return email
