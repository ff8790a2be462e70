"""Activity and household forms: they parse and label input; rules live in
the services."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from activities.models import (
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Activity,
    Household,
    HouseholdMember,
)
from activities.services.households import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from activities.services.publishing import EDITABLE_FIELDS
from hub.forms_base import HubForm, HubModelForm
from hub.models import Site
from hub.widgets import DateTimePartsField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Checkboxes(forms.CheckboxSelectMultiple):
    """Error summary links go to the first box (GOV.UK pattern)."""

    def id_for_label(self, id_, index=None):
        return f"{id_}_{index or 0}" if id_ else id_


class Radios(forms.RadioSelect):
    def id_for_label(self, id_, index=None):
        return f"{id_}_{index or 0}" if id_ else id_


WEEKDAYS = [
    ("", "Any day"),
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("7", "Sunday"),
]


class FilterForm(HubForm):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        help_text="Words from the title or description, or who runs it.",
    )
    weekday = forms.TypedChoiceField(
        required=False,
        choices=WEEKDAYS,
        coerce=int,
        empty_value=None,
        label="Day of the week",
    )
    site = forms.ChoiceField(required=False, label="School")
    area = forms.ChoiceField(required=False, label="Area")
    category = forms.ChoiceField(
        required=False, choices=[("", "Any")] + Activity.Category.choices
    )
    child_age = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=18,
        label="Child's age",
        help_text="Shows activities open to a child of this age.",
    )
    date_from = forms.DateField(required=False, widget=DATE, label="From")
    date_to = forms.DateField(required=False, widget=DATE, label="To")
    this_week = forms.BooleanField(required=False, label="This week only")
    free_only = forms.BooleanField(required=False, label="Free only")
    places_left = forms.BooleanField(required=False, label="With places left")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sites = list(Site.objects.order_by("name").values_list("slug", "name", "area"))
        self.fields["site"].choices = [("", "Any school")] + [
            (s, n) for s, n, _ in sites
        ]
        areas = sorted({a for _, _, a in sites if a})
        self.fields["area"].choices = [("", "Any area")] + [(a, a) for a in areas]

    def clean(self):
        data = super().clean()
        if (
            data.get("date_from")
            and data.get("date_to")
            and data["date_to"] < data["date_from"]
        ):
            self.add_error(
                "date_to", "The end date must be on or after the start date."
            )
        return data


class SignUpForm(HubForm):
    members = forms.ModelMultipleChoiceField(
        queryset=HouseholdMember.objects.none(),
        widget=Checkboxes,
        label="Who is coming?",
        error_messages={"required": "Choose at least one person to sign up."},
    )
    session = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Which date?",
        widget=Radios,
        empty_label=None,
    )

    def __init__(self, *args, household, activity, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = household.members.all()
        self.fields["members"].label_from_instance = _member_label
        if activity.is_series:
            del self.fields["session"]
        else:
            ids = [s.pk for s in sessions]
            self.fields["session"].queryset = activity.sessions.filter(pk__in=ids)
            self.fields["session"].required = True
            self.fields["session"].error_messages["required"] = "Choose a date."
            zone = activity.booking.room.site.zoneinfo
            self.fields["session"].label_from_instance = lambda s: (
                f"{s.starts_at.astimezone(zone):%A %-d %B, %H:%M}"
            )


class SignUpCancelForm(HubForm):
    """Whose place to cancel: the page has one button per person (value: the
    member's id) and one for everyone ("all", also what an empty POST means)."""

    who = forms.CharField(required=False, max_length=20, label="Whose place")

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}

    def clean_who(self):
        value = self.cleaned_data.get("who") or "all"
        if value == "all":
            return None
        if value not in self.members:
            raise forms.ValidationError("Choose someone in this sign-up, or everyone.")
        return self.members[value]


def _member_label(member: HouseholdMember) -> str:
    if member.kind == HouseholdMember.Kind.CHILD and member.date_of_birth:
        return f"{member.first_name} (child, born {member.date_of_birth:%-d %B %Y})"
    return f"{member.first_name} ({member.get_kind_display().lower()})"


class HouseholdForm(HubModelForm):
    class Meta:
        model = Household
        fields = list(HOUSEHOLD_FIELDS)
        labels = {
            "name": "Family name",
            "phone": "Phone number",
            "languages": "Languages you speak at home",
            "consent_contact": "You may contact us about activities and changes",
            "consent_photos": "Photos of our family may be taken at activities",
            "fsm_claimed": "Our children get free school meals",
            "findable": "Link workers may find our household by our name, "
            "postcode or a child's school",
        }
        help_texts = {
            "postcode": "So we can show activities near you.",
            "fsm_claimed": "The school or your link worker will confirm this. "
            "It lets you join holiday clubs for eligible families.",
            "findable": "Link workers help families get places on activities, "
            "some kept for families they refer. If you do not tick this, they "
            "need your household reference to refer you.",
        }


class MemberForm(HubModelForm):
    class Meta:
        model = HouseholdMember
        fields = list(MEMBER_FIELDS)
        widgets = {"date_of_birth": DATE, "kind": Radios}
        labels = {
            "kind": "Adult or child",
            "date_of_birth": "Date of birth",
            "medical_notes": "Medical needs or allergies",
            "send_notes": "Special educational needs or disabilities (SEND)",
        }
        help_texts = {
            "date_of_birth": "Needed for children.",
            "school": "For a child: the school they go to.",
            "medical_notes": "Only the organisation running an activity you sign "
            "this person up to can see this.",
        }


class ActivityForm(HubModelForm):
    """The fields of activities.services.publishing.EDITABLE_FIELDS, and, when
    creating, which dates and whether to publish. The database's rules are
    checked here first, on their field, in the same words."""

    slot_ids = forms.MultipleChoiceField(
        required=False,
        widget=Checkboxes,
        label="Dates",
        help_text="Leave all unticked to run on every future date of the booking.",
    )
    publish = forms.BooleanField(
        required=False, label="Publish now (families can see it)"
    )

    class Meta:
        model = Activity
        fields = list(EDITABLE_FIELDS)
        # The sign-up window: the GOV.UK date input and a time, in the
        # school's time (the views override the zone).
        field_classes = {
            "signup_opens_at": DateTimePartsField,
            "signup_closes_at": DateTimePartsField,
        }
        labels = {
            "min_age": "Youngest age (children)",
            "max_age": "Oldest age (children)",
            "capacity": "Places per session",
            "signup_opens_at": "Sign-up opens",
            "signup_closes_at": "Sign-up closes",
            "referral_places": "Places kept for referrals",
            "max_places_per_household": "Most places one family can book",
            "price_basis": "Charge",
            "price_covers": "The price is for",
            "free_for_eligible": "Free places for families whose free school "
            "meals are confirmed",
            "refund_days_before": "Full refund if cancelled at least this many "
            "days before",
            "eligibility": "Who can join",
            "signup_mode": "Families sign up for",
            "accessibility_info": "Accessibility",
        }
        help_texts = {
            "capacity": "Each person who comes, adult or child, takes one place.",
            "free_for_eligible": "",
            "refund_days_before": "Leave empty for no refunds.",
            "signup_opens_at": "The school's local time. Leave empty to let "
            "families sign up as soon as the activity is published.",
            "signup_closes_at": "The school's local time. Leave empty to keep "
            "sign-up open.",
        }
        error_messages = {
            "capacity": {"min_value": "Places must be 1 or more."},
            "max_places_per_household": {
                "min_value": "Most places one family can book must be 1 or more."
            },
        }

    price_pence = forms.DecimalField(
        label="Price in pounds",
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        max_digits=6,
        decimal_places=2,
        initial=Decimal("0"),
        help_text="0 for free. For example 3.50.",
    )

    def __init__(self, *args, slot_choices=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("price_pence", "price_basis", "price_covers"):
            self.fields[name].required = False  # left out: free, the defaults
        if self.instance.pk and not self.is_bound:
            pounds = Decimal(self.instance.price_pence) / 100
            self.initial["price_pence"] = pounds.quantize(Decimal("0.01"))
        for name in ("capacity", "max_places_per_household"):
            _at_least_one(self.fields[name])
        if editing:
            del self.fields["slot_ids"], self.fields["publish"]
        else:
            self.fields["slot_ids"].choices = slot_choices

    def clean_slot_ids(self) -> list[int] | None:
        return [int(pk) for pk in self.cleaned_data["slot_ids"]] or None

    def clean_price_pence(self) -> int:
        pounds = self.cleaned_data["price_pence"] or Decimal("0")
        return int(pounds * 100)  # two places: exact

    def clean_price_basis(self) -> str:
        return self.cleaned_data["price_basis"] or self.instance.price_basis

    def clean_price_covers(self) -> str:
        return self.cleaned_data["price_covers"] or self.instance.price_covers

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error(
                "max_age",
                "The oldest age must be the same as or more than the youngest age.",
            )
        capacity, kept = data.get("capacity"), data.get("referral_places")
        if capacity is not None and kept is not None and kept > capacity:
            self.add_error(
                "referral_places",
                "Places kept for referrals cannot be more than the number of places.",
            )
        return data


def _at_least_one(field) -> None:
    field.min_value = 1
    field.widget.attrs["min"] = 1
    field.validators = [
        v for v in field.validators if not isinstance(v, MinValueValidator)
    ] + [MinValueValidator(1)]


class ReasonForm(HubForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
        label="Reason",
        help_text="Families will see this in their email.",
    )


class ReferralForm(HubForm):
    household_reference = forms.CharField(
        max_length=8,
        label="Family's reference",
        help_text="8 letters and numbers, on the family's 'Your family' page.",
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.filter(status="published").select_related(
            "booking__room__site"
        ),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        label="Note for the organisation",
    )


class HouseholdSearchForm(HubForm):
    q = forms.CharField(
        max_length=100,
        min_length=2,
        label="Family name, postcode or child's school",
        help_text="Finds only families who agreed to be found. Others need "
        "their household reference.",
    )


class VerifyForm(HubForm):
    household_reference = forms.CharField(max_length=8, label="Family's reference")
    eligible = forms.BooleanField(
        required=False,
        initial=True,
        label="I have checked: this family gets free school meals",
    )
