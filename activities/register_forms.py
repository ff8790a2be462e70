"""Forms of the register pages (activities.views.registers)."""

from django import forms

from activities.services.registers import MAX_WALK_INS
from hub.forms_base import HubForm


class WalkInCountForm(HubForm):
    count = forms.IntegerField(
        min_value=0,
        max_value=MAX_WALK_INS,
        label="People who came and are not registered",
        help_text="A number. The latest number you save replaces the earlier one.",
        error_messages={
            "required": "Enter how many people came who are not registered, or 0.",
            "invalid": "Enter a whole number, like 3.",
        },
    )
    note = forms.CharField(
        max_length=300,
        required=False,
        label="Note",
        help_text="For example '2 adults, 1 child'.",
    )


class WalkInFindForm(HubForm):
    household_reference = forms.CharField(
        max_length=8,
        label="Family's reference",
        help_text="8 letters and numbers, on the family's 'Your family' page.",
        error_messages={"required": "Enter the family's reference."},
    )


class WalkInAddForm(HubForm):
    household_reference = forms.CharField(max_length=8, widget=forms.HiddenInput)
    member_id = forms.TypedChoiceField(
        coerce=int,
        label="Who came",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who came."},
    )
    status = forms.ChoiceField(
        choices=[("present", "Present"), ("late", "Late")],
        initial="present",
        label="They came",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = household.members.all() if household else []
        self.fields["member_id"].choices = [
            (m.pk, f"{m.first_name} {m.last_name}".strip()) for m in members
        ]
