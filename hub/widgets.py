"""The day/month/year date input (GOV.UK Design System "Date input").

Every date a person types is three labelled text boxes in a fieldset whose
legend is the field's label, with the hint "For example, 27 3 2027".
`hub.forms_base.HubForm` gives every `forms.DateField` this widget and parses
it with `parse_date_parts`, whose errors name the field and the part that is
wrong ("Date of birth must include a month"). A date that comes as one ISO
value (``?first_day=2027-01-05`` in a link, or a test posting it) is still
accepted.

`NativeDateInput` keeps the browser's own date picker where picking beats
typing: jumping a manager's calendar or week view to a day (bookings
``DayForm``), where the day is not something a person remembers and types.

A date with a time (an activity's sign-up opens and closes) is the same three
boxes and a fourth, "Time", in the same fieldset, with the hint "For example,
27 3 2027 and 18:30 (24-hour clock)": `DateTimePartsField`, whose widget is
`DateTimePartsInput`. The time is the local time of the active time zone (the
school's: the view overrides it); "18:30", "18.30", "6:30pm" and "6pm" are
accepted, and a time the clocks skip or repeat is refused, naming the field.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from hub.dates import in_words
from hub.input_limits import DATE_YEARS, DATETIME_YEARS

PARTS = ("day", "month", "year")
_MONTHS = {
    name.lower(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
}


class NativeDateInput(forms.DateInput):
    """The browser's date picker; HubForm leaves a field with it alone."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DatePartsInput(forms.MultiWidget):
    """Day, month and year boxes. ``birthday=True`` adds autocomplete
    bday-day/-month/-year (a date of birth) and an example in the past."""

    template_name = "includes/date_input.html"
    is_date_parts = True  # the field template renders a fieldset and legend

    def __init__(self, attrs=None, *, birthday: bool = False):
        self.birthday = birthday
        widgets = {}
        for part, size in zip(PARTS, (2, 2, 4), strict=True):
            part_attrs = {
                "inputmode": "numeric",
                "class": f"date-input__input date-input__input--{part}",
                "size": size,
                "maxlength": 9 if part == "month" else size + 2,
                "spellcheck": "false",
            }
            if birthday:
                part_attrs["autocomplete"] = f"bday-{part}"
            widgets[part] = forms.TextInput(part_attrs)
        super().__init__(widgets, attrs)
        # Names are first_day_day, first_day_month, first_day_year.
        self.widgets_names = [f"_{part}" for part in PARTS]

    @property
    def example(self) -> str:
        return "For example, 27 3 2017" if self.birthday else "For example, 27 3 2027"

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if data.get(name):  # one ISO value, e.g. from a link
            return data.get(name)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for sub, label in zip(
            context["widget"]["subwidgets"], ("Day", "Month", "Year"), strict=True
        ):
            sub["label"] = label
            sub["attrs"].pop("aria-describedby", None)  # the fieldset carries it
            sub["attrs"].pop("required", None)  # our message, not the browser's
        return context

    def use_required_attribute(self, initial):
        return False

    def _render(self, template_name, context, renderer=None):
        # The project's template engine (templates/includes/), not the form
        # renderer's, which sees only Django's own widget templates.
        return mark_safe(render_to_string(template_name, context))


def label_words(label: str) -> str:
    """The label inside a sentence: "Date of birth" -> "date of birth" (an
    acronym such as "SEND" stays as it is)."""
    label = str(label).strip().rstrip(":")
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def sentence(label: str) -> str:
    label = str(label).strip().rstrip(":")
    return label[:1].upper() + label[1:]


def parse_date_parts(parts, *, label: str, past: bool = False) -> dt.date | None:
    """The date typed as [day, month, year], or None when all are empty.
    ValidationError naming `label` and what is wrong, as GOV.UK words it."""
    day, month, year = ((str(p).strip() if p is not None else "") for p in parts)
    name = sentence(label)
    missing = [
        part for part, value in zip(PARTS, (day, month, year), strict=True) if not value
    ]
    if len(missing) == 3:
        return None
    if missing:
        words = " and ".join(missing)
        raise ValidationError(f"{name} must include a {words}", code="incomplete")
    if month.lower() in _MONTHS:
        month = str(_MONTHS[month.lower()])
    if not (day.isdigit() and month.isdigit() and year.isdigit()):
        raise ValidationError(f"{name} must be a real date", code="invalid")
    if len(year) != 4:
        raise ValidationError(
            f"The year in {label_words(label)} must have 4 numbers, for example 2027",
            code="invalid_year",
        )
    try:
        value = dt.date(int(year), int(month), int(day))
    except (ValueError, OverflowError):  # 31 2, or a day past a C long
        raise ValidationError(f"{name} must be a real date", code="invalid") from None
    check_date_bounds(value, label=label, past=past)
    return value


def check_date_bounds(value: dt.date, *, label: str, past: bool = False) -> None:
    low, high = DATE_YEARS
    name = sentence(label)
    if not low <= value.year <= high:
        raise ValidationError(
            f"{name} must be between {low} and {high}", code="out_of_range"
        )
    if past and value > timezone.localdate():
        raise ValidationError(f"{name} must be in the past", code="future")


# A date and a time ---------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)
_TIME_WORDS = {"midday": (12, 0), "noon": (12, 0), "midnight": (0, 0)}


class DateTimePartsInput(DatePartsInput):
    """Day, month and year boxes and a "Time" box (HH:MM), in one fieldset."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        time_attrs = {
            # The year's width (hub.css) fits "18:30".
            "class": "date-input__input date-input__input--year "
            "date-input__input--time",
            "size": 5,
            "maxlength": 8,
            "spellcheck": "false",
            "autocomplete": "off",
        }
        self.widgets.append(forms.TextInput(time_attrs))
        self.widgets_names.append("_time")

    @property
    def example(self) -> str:
        return "For example, 27 3 2027 and 18:30 (24-hour clock)."

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                return [None] * 4
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return [value.day, value.month, value.year, f"{value:%H:%M}"]
        return [None] * 4

    def get_context(self, name, value, attrs):
        context = forms.MultiWidget.get_context(self, name, value, attrs)
        labels = ("Day", "Month", "Year", "Time")
        for sub, label in zip(context["widget"]["subwidgets"], labels, strict=True):
            sub["label"] = label
            sub["attrs"].pop("aria-describedby", None)  # the fieldset carries it
            sub["attrs"].pop("required", None)
        return context


class DateTimePartsField(forms.DateTimeField):
    """A date and a local time typed as day, month, year and time (GOV.UK
    date input with a time), as an aware datetime in the active time zone.
    One ISO value (``2027-03-27T18:30``, from a link or a test) is accepted."""

    widget = DateTimePartsInput

    def to_python(self, value):
        label = str(self.label or "Date and time")
        if isinstance(value, list | tuple):
            naive = parse_datetime_parts(value, label=label)
            return None if naive is None else local_instant(naive, label=label)
        value = super().to_python(value)
        if value is not None:
            _check_datetime_years(value, label)
        return value


def parse_datetime_parts(parts, *, label: str) -> dt.datetime | None:
    """[day, month, year, time] as a naive datetime, or None when all are
    empty; ValidationError naming `label` and what is wrong."""
    parts = list(parts) + [None] * (4 - len(parts))
    time_text = str(parts[3] or "").strip()
    date_parts = parts[:3]
    name = sentence(label)
    if not any(str(p or "").strip() for p in date_parts):
        if not time_text:
            return None
        raise ValidationError(
            f"{name} must include a day, month and year", code="incomplete"
        )
    day = parse_date_parts(date_parts, label=label)
    if not time_text:
        raise ValidationError(f"{name} must include a time", code="incomplete")
    value = dt.datetime.combine(day, parse_time_text(time_text, label=label))
    _check_datetime_years(value, label)
    return value


def parse_time_text(text: str, *, label: str) -> dt.time:
    """A time of day as people type it: 18:30, 18.30, 6:30pm, 6pm, midday."""
    text = text.strip().lower()
    if text in _TIME_WORDS:
        return dt.time(*_TIME_WORDS[text])
    found = _TIME.match(text)
    problem = ValidationError(
        f"The time in {label_words(label)} must be a real time, like 18:30",
        code="invalid_time",
    )
    if found is None:
        raise problem
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    suffix = (found.group(3) or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise problem
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif found.group(2) is None:
        raise problem  # "18" alone: say 18:00
    if hour > 23 or minute > 59:
        raise problem
    return dt.time(hour, minute)


def local_instant(naive: dt.datetime, *, label: str) -> dt.datetime:
    """`naive` as a wall-clock time in the active zone; a time the clocks
    skip (spring) or pass twice (autumn) is refused, naming the field."""
    zone = timezone.get_current_timezone()
    aware = naive.replace(tzinfo=zone)
    back = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    when = f"{naive:%H:%M} on {in_words(naive.date())}"
    if back != naive:
        raise ValidationError(
            f"{sentence(label)}: there is no {when} because the clocks go "
            "forward. Choose another time",
            code="nonexistent",
        )
    if aware.utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset():
        raise ValidationError(
            f"{sentence(label)}: {when} happens twice because the clocks go "
            "back. Choose another time",
            code="ambiguous",
        )
    return aware


def _check_datetime_years(value: dt.datetime, label: str) -> None:
    low, high = DATETIME_YEARS
    if not low <= value.year <= high:
        raise ValidationError(
            f"{sentence(label)} must be between {low} and {high}", code="out_of_range"
        )
