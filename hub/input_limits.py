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
  stores (MAX_NUMBER), so every number in the schema has a minimum and maximum.
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
