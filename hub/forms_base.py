"""Base form classes every form in the product uses.

Fields describe themselves to screen readers: the hint and, when there is one,
the error message are linked with aria-describedby (Django 5.2 already links the
hint and sets aria-invalid; we add the error), matching templates/includes/field.html.
"""

from django import forms
from django.forms.utils import pretty_name

from hub.errors import DomainError
from hub.input_limits import clean_text
from hub.widgets import (
    DatePartsInput,
    NativeDateInput,
    check_date_bounds,
    label_words,
    parse_date_parts,
    sentence,
)


class HubBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            ids = [i for i in attrs.get("aria-describedby", "").split() if i]
            ids.append(f"{self.auto_id}-error")
            attrs["aria-describedby"] = " ".join(ids)
        return attrs

    @property
    def summary_errors(self) -> list[str]:
        """The field's errors for the error summary, each naming the field:
        a message that does not say the label already gets "Label: " first."""
        label = str(self.label)
        return [
            str(e) if label.lower() in str(e).lower() else f"{label}: {e}"
            for e in self.errors
        ]

    @property
    def anchor_id(self) -> str:
        """The id the error summary links to: the first box of a date, the
        first radio or checkbox of a set, otherwise the field itself."""
        widget = self.field.widget
        if self.auto_id and (
            isinstance(widget, forms.MultiWidget)
            or getattr(widget, "input_type", "") == "radio"
            or getattr(widget, "allow_multiple_selected", False)
        ):
            return f"{self.auto_id}_0"
        return self.id_for_label


class DomainErrorFormMixin:
    def add_domain_error(self, exc: DomainError) -> None:
        """Show a service's error on its field (or at the top of the form), and
        each of its details (e.g. every clashing date) at the top."""
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, exc.message)
        for detail in exc.details:
            if isinstance(detail, dict) and detail.get("message"):
                self.add_error(None, detail["message"])


class TextFieldsMixin:
    """Every text field (a CharField and its kinds: email, slug, URL...) is
    normalised to NFC and refuses control characters, NUL included, naming the
    field; a textarea accepts line breaks and tabs (hub.input_limits). Password
    fields are left exactly as typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and not isinstance(
                field.widget, forms.PasswordInput
            ):
                field.to_python = _text_to_python(field, name)


def _text_to_python(field, name):
    to_python = field.to_python
    multiline = isinstance(field.widget, forms.Textarea)

    def clean(value):
        value = to_python(value)
        if not isinstance(value, str):
            return value
        try:
            return clean_text(
                value, multiline=multiline, label=str(field.label or pretty_name(name))
            )
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="control_character") from None

    return clean


class PlainMessagesMixin:
    """GOV.UK patterns for every page form, in one place:

    - every date a person types is the day/month/year input
      (hub.widgets.DatePartsInput), whose errors name the field and the part
      ("Date of birth must include a month"); a date of birth gets autocomplete
      bday-* and must be in the past; a field may keep the browser's picker
      with hub.widgets.NativeDateInput;
    - a required choice shown as radios has no empty "---------" option;
    - Django's default messages ("This field is required.", "Enter a valid
      date.", "Select a valid choice...") are replaced by ones built from the
      field's label that say what to do ("Enter the first day", "Choose a
      room"); a message a form sets itself is kept.
    """

    def __getitem__(self, name):
        # Here rather than in __init__, so fields a form adds or changes in its
        # own __init__ (choices, querysets) are covered too: both rendering and
        # cleaning reach a field through this.
        prepared = self.__dict__.setdefault("_plain_prepared", set())
        if name not in prepared and name in self.fields:
            prepared.add(name)
            _prepare_field(self.fields[name], name)
        return super().__getitem__(name)


def _prepare_field(field, name: str) -> None:
    label = str(field.label or pretty_name(name))
    if isinstance(field, forms.DateField):
        if isinstance(field.widget, NativeDateInput | forms.HiddenInput):
            _bound_years(field, label)  # a typed or crafted 0001-01-01 too
        else:
            _use_date_parts(field, name, label)
    if (
        isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
        and getattr(field.widget, "input_type", "") == "radio"
        and field.required
    ):
        _drop_empty_choice(field)
    elif isinstance(field, forms.ModelChoiceField) and field.empty_label == "---------":
        # A drop-down keeps its empty first line, in words.
        field.empty_label = "Choose one" if field.required else "None"
    elif isinstance(field, forms.ChoiceField) and not isinstance(
        field, forms.ModelChoiceField
    ):
        empty = "Choose one" if field.required else "None"
        field.choices = [
            (k, empty if (k in ("", None) and v == "---------") else v)
            for k, v in field.choices
        ]
    _plain_messages(field, label)


_DEFAULTS: dict[str, set[str]] = {}
for _cls in (
    forms.Field,
    forms.CharField,
    forms.IntegerField,
    forms.DecimalField,
    forms.FloatField,
    forms.DateField,
    forms.TimeField,
    forms.DateTimeField,
    forms.EmailField,
    forms.URLField,
    forms.ChoiceField,
    forms.MultipleChoiceField,
    forms.ModelChoiceField,
    forms.ModelMultipleChoiceField,
    forms.FileField,
    forms.ImageField,
    forms.BooleanField,
):
    for _code, _message in _cls.default_error_messages.items():
        _DEFAULTS.setdefault(_code, set()).add(str(_message))
_VALIDATOR_DEFAULTS = {
    "max_length": "Ensure this value has at most",
    "min_length": "Ensure this value has at least",
    "max_value": "Ensure this value is less than or equal to",
    "min_value": "Ensure this value is greater than or equal to",
    "invalid": "Enter a valid",
}


def _is_default(field, code: str) -> bool:
    message = field.error_messages.get(code)
    if message is None:
        return True
    message = str(message)
    return message in _DEFAULTS.get(code, ()) or message.startswith(
        _VALIDATOR_DEFAULTS.get(code, "\0")
    )


def _article(words: str) -> str:
    return "an" if words[:1].lower() in "aeiou" else "a"


def _plain_messages(field, label: str) -> None:
    words = label_words(label)
    name = sentence(label)
    question = label.strip().endswith("?")  # "Who is coming?"
    if question:
        words = f"the answer to \u201c{label.strip()}\u201d"
        name = sentence(words)
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        required = f"Choose at least one {words}"
        invalid = f"Choose {words} from the options shown"
    elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        required = f"Choose {_article(words)} {words}"
        invalid = f"Choose {words} from the options shown"
    elif isinstance(field, forms.BooleanField):
        required = f"Tick the box: {words}"
        invalid = required
    elif isinstance(field, forms.FileField):
        required = f"Choose a file for {words}"
        invalid = f"Choose a file for {words}: the one sent was not a file"
    elif isinstance(field, forms.IntegerField):
        required = f"Enter the {words}"
        invalid = f"Enter {words} as a whole number, like 12"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        required = f"Enter the {words}"
        invalid = f"Enter {words} as a number, like 12.50"
    elif isinstance(field, forms.DateTimeField):
        required = f"Enter the {words}"
        invalid = f"Enter {words} as a date and time, like 27 3 2027 18:30"
    elif isinstance(field, forms.DateField):
        required = f"Enter the {words}"
        invalid = f"{name} must be a real date"
    elif isinstance(field, forms.TimeField):
        required = f"Enter the {words}"
        invalid = f"Enter {words} as a time on the 24-hour clock, like 18:30"
    elif isinstance(field, forms.EmailField):
        required = f"Enter the {words}"
        invalid = f"Enter {words} in the right format, like name@example.com"
    elif isinstance(field, forms.URLField):
        required = f"Enter the {words}"
        invalid = f"Enter {words} as a full web address, like https://example.org"
    else:
        required = f"Enter the {words}"
        invalid = f"Enter {words} in the right format"
    if question and isinstance(
        field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
    ):
        required = f"Choose at least one answer to \u201c{label.strip()}\u201d"
    elif question and isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        required = f"Choose an answer to \u201c{label.strip()}\u201d"
    elif question:
        required = f"Answer \u201c{label.strip()}\u201d"
    messages = {
        "required": required,
        "invalid": invalid,
        "invalid_choice": invalid,
        "invalid_pk_value": invalid,
        "invalid_list": invalid,
        "min_value": f"{name} must be %(limit_value)s or more",
        "max_value": f"{name} must be %(limit_value)s or less",
        "max_length": f"{name} must be %(limit_value)d characters or fewer",
        "min_length": f"{name} must be %(limit_value)d characters or more",
        "max_digits": f"{name} must have at most %(max)s digits",
        "max_decimal_places": f"{name} must have at most %(max)s decimal places",
        "step_size": f"{name} must be a multiple of %(limit_value)s",
        "empty": f"The file for {words} is empty",
        "missing": f"Choose a file for {words}",
        "overflow": f"{name} is too far in the past or future",
    }
    bounds = {
        "min_value": "min_value",
        "max_value": "max_value",
        "max_length": "max_length",
        "min_length": "min_length",
        "max_digits": "max_digits",
        "max_decimal_places": "decimal_places",
        "step_size": "step_size",
    }
    for code, message in messages.items():
        if code in bounds:
            applies = getattr(field, bounds[code], None) is not None
        elif code == "invalid":
            # Not on a plain text field: its validators' own messages
            # (a postcode's, say) must stay.
            applies = code in field.error_messages or isinstance(
                field, forms.EmailField | forms.URLField
            )
        else:
            applies = code in field.error_messages
        if applies and _is_default(field, code):
            field.error_messages[code] = message


def _use_date_parts(field, name: str, label: str) -> None:
    birthday = name == "date_of_birth" or label_words(label) == "date of birth"
    widget = DatePartsInput(birthday=birthday)
    widget.is_required = field.required
    field.widget = widget
    to_python = field.to_python

    def clean(value):
        if isinstance(value, list | tuple):
            return parse_date_parts(value, label=label, past=birthday)
        value = to_python(value)
        if value is not None:
            check_date_bounds(value, label=label, past=birthday)
        return value

    field.to_python = clean


def _bound_years(field, label: str) -> None:
    """A date kept as one ISO value (the browser's picker, a hidden field) is
    bounded as a typed one is: the pages that step a week or month either side
    of it overflowed past 9999 and before year 1 (a 500)."""
    to_python = field.to_python

    def clean(value):
        value = to_python(value)
        if value is not None:
            check_date_bounds(value, label=label)
        return value

    field.to_python = clean


def _drop_empty_choice(field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        field.empty_label = None
        return
    field.choices = [(k, v) for k, v in field.choices if k not in ("", None)]


class HubForm(PlainMessagesMixin, TextFieldsMixin, DomainErrorFormMixin, forms.Form):
    bound_field_class = HubBoundField


class HubModelForm(
    PlainMessagesMixin, TextFieldsMixin, DomainErrorFormMixin, forms.ModelForm
):
    bound_field_class = HubBoundField
