"""Booking forms: they parse and label input; the rules live in the services."""

from django import forms

from bookings.scheduling import NTH_NAMES, Frequency, Recurrence
from bookings.services import When
from hub.forms_base import HubForm
from hub.models import Room
from hub.widgets import NativeDateInput
from partners.models import Partner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


class BookingRequestForm(HubForm):
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.none(), label="Organisation"
    )
    room = forms.ModelChoiceField(
        queryset=Room.objects.filter(is_bookable=True).select_related("site"),
        label="Room",
    )
    title = forms.CharField(
        max_length=200, help_text="Shown to the school, e.g. 'Family cooking club'."
    )
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    expected_attendees = forms.IntegerField(
        min_value=1,
        label="Expected attendees",
        help_text="Including staff and volunteers.",
    )
    setup_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label="Set-up notes",
        help_text="For the caretaker: layout, equipment, access.",
    )
    first_day = forms.DateField(
        widget=DATE,
        label="Date (or first date)",
    )
    start_time = forms.TimeField(
        widget=TIME,
        label="Start time",
        help_text="Local time at the school, 24-hour clock.",
    )
    end_time = forms.TimeField(widget=TIME, label="End time")
    frequency = forms.ChoiceField(
        choices=Frequency.CHOICES,
        widget=forms.RadioSelect,
        initial=Frequency.ONCE,
        label="How often",
    )
    interval = forms.IntegerField(
        min_value=1,
        max_value=8,
        initial=1,
        required=False,
        label="Repeat every",
        help_text="In weeks (weekly) or months (monthly): 1 for every week or month, 2 for every other.",
    )
    nth = forms.TypedChoiceField(
        choices=[("", "Choose")] + [(k, v.title()) for k, v in NTH_NAMES.items()],
        coerce=int,
        required=False,
        empty_value=None,
        label="Which weekday of the month (monthly only)",
    )
    until = forms.DateField(
        widget=DATE,
        required=False,
        label="Repeat until",
        help_text="Give an end date or a number of times.",
    )
    count = forms.IntegerField(
        min_value=1,
        max_value=100,
        required=False,
        label="Number of times",
        help_text="At most 100.",
    )
    term_time_only = forms.BooleanField(
        required=False, label="Term time only (skip school holidays)"
    )
    allow_clashes = forms.BooleanField(
        required=False,
        label="Send the request even if some dates clash (the manager may approve all but those dates)",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Partner.objects.filter(
            memberships__user=user, status=Partner.Status.APPROVED
        )
        self.fields["partner"].queryset = partners
        self._only_partner = partners[0] if len(partners) == 1 else None
        if self._only_partner:
            self.fields["partner"].required = False
            self.fields["partner"].widget = forms.HiddenInput()

    def clean_partner(self):
        return self.cleaned_data.get("partner") or self._only_partner

    def when(self) -> When:
        data = self.cleaned_data
        frequency = data["frequency"]
        repeats = frequency != Frequency.ONCE
        recurrence = Recurrence(
            frequency=frequency,
            interval=(data.get("interval") or 1) if repeats else 1,
            nth=data.get("nth"),
            until=data.get("until") if repeats else None,
            count=data.get("count") if repeats else None,
        )
        return When(
            first_day=data["first_day"],
            start=data["start_time"],
            end=data["end_time"],
            recurrence=recurrence,
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "room": data["room"],
            "partner": data["partner"],
            "when": self.when(),
            "expected_attendees": data["expected_attendees"],
            "term_time_only": data["term_time_only"],
        }


class ReasonForm(HubForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="Reason",
        help_text="The partner will see this.",
    )


class ApproveForm(HubForm):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        label="Note to the partner",
    )
    except_clashes = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CancelForm(HubForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        label="Reason",
        help_text="Required when the school cancels.",
    )
    slot_id = forms.IntegerField(
        required=False, min_value=1, max_value=2_147_483_647, widget=forms.HiddenInput
    )
    from_date = forms.DateField(
        widget=DATE, required=False, label="Cancel every date from"
    )


class DayForm(HubForm):
    # Going to a day in the calendar: the browser's picker beats typing.
    day = forms.DateField(widget=NativeDateInput(), required=False, label="Date")


class MoveForm(HubForm):
    day = forms.DateField(widget=DATE, label="New date")
    start_time = forms.TimeField(
        widget=TIME, label="Start time", help_text="Local time at the school."
    )
    end_time = forms.TimeField(widget=TIME, label="End time")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        label="Reason",
    )
