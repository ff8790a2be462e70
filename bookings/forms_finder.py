"""The room finder's search form (a GET form: it changes nothing)."""

import datetime as dt

from django import forms
from django.utils import timezone

from bookings.finder import MAX_DAYS, MAX_FEATURES, Search, check_times, search_dates
from bookings.forms import DATE, TIME
from bookings.scheduling import WEEKDAY_NAMES
from hub.errors import DomainError
from hub.forms_base import HubForm
from hub.models import RoomFeature, Term
from partners.models import Partner


def today() -> dt.date:
    """Today in the display zone (DisplayTimeZoneMiddleware activates it)."""
    return timezone.localdate()


def term_choices() -> list[tuple[str, str]]:
    """Terms that have not ended, one entry per name and dates (sites of a
    trust, or several schools, often share them)."""
    seen: dict[tuple, Term] = {}
    for term in Term.objects.filter(ends_on__gte=today()).order_by("starts_on"):
        seen.setdefault((term.name, term.starts_on, term.ends_on), term)
    return [("", "No term: use the dates above")] + [
        (str(t.pk), f"{t.name} ({t.starts_on:%-d %b} to {t.ends_on:%-d %b %Y})")
        for t in seen.values()
    ]


class FinderForm(HubForm):
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.none(),
        required=False,
        label="Organisation",
        help_text="Prices are for this organisation.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Days of the week",
        help_text="Choose one or more. None chosen means every day.",
    )
    start_time = forms.TimeField(
        widget=TIME,
        label="From",
        help_text="Local time at the school, 24-hour clock, for example 18:00.",
        error_messages={"required": "Enter a start time, for example 18:00."},
    )
    end_time = forms.TimeField(
        widget=TIME,
        label="To",
        help_text="For example 20:00.",
        error_messages={"required": "Enter an end time, for example 20:00."},
    )
    first_day = forms.DateField(
        widget=DATE,
        required=False,
        label="Date, or first date",
        help_text="Leave empty to search a whole term.",
    )
    last_day = forms.DateField(
        widget=DATE,
        required=False,
        label="Last date",
        help_text=f"Leave empty for one date. At most {MAX_DAYS} days after the first.",
    )
    term = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label="Or a whole term",
        help_text="Searches term time only: school holidays are left out.",
    )
    people = forms.IntegerField(
        min_value=1,
        max_value=10_000,
        required=False,
        label="Number of people",
        help_text="Including staff and volunteers.",
    )
    features = forms.ModelMultipleChoiceField(
        queryset=RoomFeature.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="The room must have",
    )
    area = forms.CharField(
        max_length=100,
        required=False,
        label="Area",
        help_text="A neighbourhood, for example Hyde Park, or a postcode district, "
        "for example LS6.",
    )
    term_time_only = forms.BooleanField(
        required=False, label="Term time only (leave out school holidays)"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = term_choices()
        # A date or a term is needed: neither is "(optional)" on the page.
        self.fields["first_day"].one_of_several = True
        self.fields["term"].one_of_several = True
        partners = Partner.objects.filter(
            memberships__user=user, status=Partner.Status.APPROVED
        )
        self.fields["partner"].queryset = partners
        self._partners = list(partners)
        if len(self._partners) < 2:
            self.fields["partner"].widget = forms.HiddenInput()

    def clean_partner(self):
        chosen = self.cleaned_data.get("partner")
        return chosen or (self._partners[0] if self._partners else None)

    def clean_features(self):
        features = self.cleaned_data["features"]
        if len(features) > MAX_FEATURES:
            raise forms.ValidationError(f"Choose at most {MAX_FEATURES} features.")
        return features

    def clean(self):
        """Every problem at once: the times, then the dates (or the term)."""
        data = super().clean()
        if data.get("start_time") and data.get("end_time"):
            self._check(lambda: check_times(data["start_time"], data["end_time"]))
        if not {"first_day", "last_day", "term"} & set(self.errors):
            found = self._check(
                lambda: search_dates(
                    first_day=data.get("first_day"),
                    last_day=data.get("last_day"),
                    term_id=data.get("term"),
                )
            )
            if found:
                data["first_day"], data["last_day"], term_only = found
                data["term_time_only"] = data.get("term_time_only") or term_only
        return data

    def _check(self, check):
        try:
            return check()
        except DomainError as exc:
            self.add_domain_error(exc)
            return None

    def search(self) -> Search:
        data = self.cleaned_data
        return Search(
            first_day=data["first_day"],
            last_day=data["last_day"],
            start=data["start_time"],
            end=data["end_time"],
            weekdays=tuple(sorted(set(data["weekdays"]))),
            people=data.get("people") or 1,
            features=tuple(f.slug for f in data["features"]),
            area=data["area"],
            term_time_only=data["term_time_only"],
        )
