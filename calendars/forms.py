from django import forms

from hub.forms_base import HubForm


class ImportUploadForm(HubForm):
    file = forms.FileField(
        label="Calendar file or spreadsheet",
        help_text="An .ics calendar file, or a CSV file with the columns kind, "
        "name, starts_on and ends_on (and id if you have one). Smaller than 5 MB.",
    )


class ImportConfirmForm(HubForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=2_000_000)
