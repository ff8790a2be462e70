"""The one rule for text and numbers a person or a client sends, applied by
`hub.api_base.StrictInputSerializer` (every API body and query string) and
`hub.forms_base.HubForm`/`HubModelForm` (every page form):

- text is normalised to Unicode NFC (so "é" typed two ways is one value);
- control characters (NUL included, which PostgreSQL cannot store) are refused
  with a message naming the field; multi-line fields (a textarea on a page, a
  ``style={"base_template": "textarea.html"}`` serializer field, which DRF
  gives every model TextField, or one allowed more than MAX_LINE characters)
  accept line breaks and tabs;
- an API number with no declared bound gets the largest value the database
  stores (MAX_NUMBER), so every number in the schema has a minimum and maximum;
- an API date is between 1900 and 2099 (1900 leaves room for a grandparent's
  date of birth) and a date-time between 2000 and 2099 (an instant is a
  booking, a session or a sign-up window; before 1900 the site's zone has a
  local-mean-time offset such as London's -00:01:15, which ISO 8601 cannot
  write), each stated in the field's schema description;
- an API time of day is a local wall-clock time, HH:MM or HH:MM:SS, with no UTC
  offset (which would be dropped silently otherwise); hub.api_schema gives it
  a pattern in the schema.
"""

import re
import unicodedata

from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import QueryDict
from rest_framework import serializers

# C0 controls, DEL and C1 controls; line breaks and tab only in multi-line text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")

MAX_NUMBER = 2_147_483_647  # PostgreSQL integer
MAX_LINE = 200
DATE_YEARS = (1900, 2099)
DATETIME_YEARS = (2000, 2099)
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H:%M:%S.%f")
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"
TIME_HELP = "Wall-clock time, HH:MM or HH:MM:SS, no UTC offset."


def clean_text(value: str, *, multiline: bool, label: str) -> str:
    """`value` in NFC; ValueError with a message naming `label` if it holds a
    control character (line breaks and tabs allowed when `multiline`)."""
    value = unicodedata.normalize("NFC", value)
    if (_CONTROL_MULTILINE if multiline else _CONTROL).search(value):
        raise ValueError(control_message(label, multiline=multiline))
    return value


def control_message(label: str, *, multiline: bool) -> str:
    message = f"Remove the control character from {label}."
    if not multiline:
        message += " It must be one line."
    return message


# API ---------------------------------------------------------------------


def is_multiline(field) -> bool:
    """A textarea (DRF marks every model TextField so) or prose: a text field
    allowed more than MAX_LINE characters (titles and names are at most 200)."""
    return isinstance(field, serializers.CharField) and (
        field.style.get("base_template") == "textarea.html"
        or (field.max_length or 0) > MAX_LINE
    )


def clean_serializer_input(serializer, data):
    """`data` with every string in NFC; ValidationError naming each field
    (dotted for nested input, ``members.0.first_name``) that holds a control
    character. Walks the raw input, so no field type lets one through."""
    errors: dict[str, list[str]] = {}
    cleaned = _walk(serializer, data, "", None, errors)
    if errors:
        raise serializers.ValidationError(errors)
    return cleaned


def _walk(field, value, path, label, errors):
    if isinstance(value, str):
        label = getattr(field, "label", None) or label or _label(path)
        try:
            return clean_text(value, multiline=is_multiline(field), label=label)
        except ValueError as exc:
            errors.setdefault(path or "non_field_errors", []).append(str(exc))
            return value
    child = getattr(field, "child", None)  # ListSerializer, ListField, DictField
    if isinstance(value, QueryDict):
        cleaned = QueryDict(mutable=True)
        for key, values in value.lists():
            sub = _field(field, key)
            sub = getattr(sub, "child", None) or sub
            cleaned.setlist(
                key, [_walk(sub, v, _join(path, key), None, errors) for v in values]
            )
        return cleaned
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            if isinstance(key, str):
                sub = child if child is not None else _field(field, key)
            sub_label = label if child is not None else None
            cleaned[key] = _walk(sub, item, _join(path, key), sub_label, errors)
        return cleaned
    if isinstance(value, list):
        label = getattr(field, "label", None) or label
        return [
            _walk(child, item, _join(path, str(i)), label, errors)
            for i, item in enumerate(value)
        ]
    return value


def _field(serializer, key):
    fields = getattr(serializer, "fields", None)
    return fields.get(key) if isinstance(key, str) and fields is not None else None


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def _label(path: str) -> str:
    last = path.rsplit(".", 1)[-1] if path else "the input"
    return last.replace("_", " ").capitalize()


def bound_numbers(fields) -> None:
    """Give each integer field without a declared bound the database's bound,
    so it is validated and shown in the schema (drf-spectacular reads
    min_value/max_value)."""
    for field in fields.values():
        target = field.child if isinstance(field, serializers.ListField) else field
        if not isinstance(target, serializers.IntegerField) or target.read_only:
            continue
        if target.max_value is None:
            target.max_value = MAX_NUMBER
            message = target.error_messages["max_value"].format(max_value=MAX_NUMBER)
            target.validators.append(MaxValueValidator(MAX_NUMBER, message=message))
        if target.min_value is None:
            target.min_value = -MAX_NUMBER
            message = target.error_messages["min_value"].format(min_value=-MAX_NUMBER)
            target.validators.append(MinValueValidator(-MAX_NUMBER, message=message))


def bound_dates_and_times(fields) -> None:
    """Give each date and date-time field the years it may hold (DATE_YEARS,
    DATETIME_YEARS), stated in its help text (the schema's description), and
    make each time field accept only a local wall-clock time (TIME_FORMATS)."""
    for field in fields.values():
        target = field.child if isinstance(field, serializers.ListField) else field
        if target.read_only or getattr(target, "_hub_bounded", False):
            continue
        if isinstance(target, serializers.DateTimeField):
            _bound_years(target, DATETIME_YEARS, "a date and time")
        elif isinstance(target, serializers.DateField):
            _bound_years(target, DATE_YEARS, "a date")
        elif isinstance(target, serializers.TimeField):
            target.input_formats = TIME_FORMATS
            target.error_messages["invalid"] = (
                "Enter a local time such as 18:30 (HH:MM or HH:MM:SS), "
                "without a UTC offset."
            )
            _add_help(target, TIME_HELP)
        else:
            continue
        target._hub_bounded = True


def _bound_years(field, years, what: str) -> None:
    first, last = years

    def validate(value):
        if value is not None and not first <= value.year <= last:
            raise serializers.ValidationError(
                f"Enter {what} between {first} and {last}."
            )

    field.validators.append(validate)
    _add_help(field, f"Between {first} and {last}.")


def _add_help(field, sentence: str) -> None:
    help_text = str(field.help_text or "").strip()
    if sentence not in help_text:
        field.help_text = f"{help_text} {sentence}".strip()


def is_local_time(value) -> bool:
    """A local wall-clock time as the API writes and reads it (TIME_PATTERN);
    the fuzzer's check for `format: time`."""
    return isinstance(value, str) and re.match(TIME_PATTERN, value) is not None
