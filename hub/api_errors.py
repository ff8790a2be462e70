"""The one DRF exception handler: every API error has the same JSON body.

{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]},
           "details": [...]}}

All four keys are always present. `fields` maps a field name to a list of
messages; nested input is named with dots (``members.0.first_name``) and
errors that belong to no field are under ``non_field_errors``. `details` is a
list of objects (e.g. each clashing date, or how long to wait when throttled).
The schema's `Error` component (hub.api_schema) describes exactly this body.

Validation messages name the field and say the fix in plain English, here,
for every serializer: a message that is one of DRF's (or Django's) defaults
("This field is required.", "A valid integer is required.") is recognised by
its wording and rewritten from PLAIN_MESSAGES with the field's label, taken
from its name ("date_of_birth" -> "Date of birth must be a date written
YYYY-MM-DD, like 2027-03-27."; an item of a list is "item 2 of member ids").
A message a serializer, validator or service wrote itself is kept as it is.
"""

import re

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.utils.translation import get_language
from django.views import defaults
from rest_framework import exceptions, relations, validators
from rest_framework import fields as drf
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from hub.api_parsers import PayloadTooLarge
from hub.db_errors import domain_error_for
from hub.errors import DomainError
from hub.input_limits import DATETIME_YEARS


def error_body(code: str, message: str, fields=None, details=None) -> dict:
    """The one error body. `fields` and `details` are always present."""
    return {
        "error": {
            "code": code,
            "message": message,
            "fields": fields or {},
            "details": details or [],
        }
    }


def api_not_found(request, *args, **kwargs):
    """Any address under /api/ that no endpoint answers: the same 404 body,
    not the HTML page (hub.urls routes the rest of /api/ here)."""
    message = f"No API endpoint at {request.path}. The list is at /api/docs/."
    return JsonResponse(error_body("not_found", message), status=404)


def server_error(request):
    """Django's handler500: under /api/ the error body (the fault is logged
    as usual before this runs), elsewhere Django's page."""
    if request.path.startswith("/api/"):
        message = "Something went wrong on our side. Try again later."
        return JsonResponse(error_body("server_error", message), status=500)
    return defaults.server_error(request)


def exception_handler(exc, context):
    if isinstance(exc, DatabaseError):
        exc = domain_error_for(exc) or exc
    if isinstance(exc, DomainError):
        fields = {exc.field: [exc.message]} if exc.field else None
        return Response(
            error_body(exc.code, exc.message, fields, exc.details),
            status=exc.status_code,
        )
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):  # e.g. more than 1,000 form fields
        exc = exceptions.ParseError("The request is malformed or has too many fields.")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found. Check the address or the id.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real fault: logged, then server_error's 500
    if isinstance(exc, exceptions.ValidationError):
        fields = {
            name: [plain_message(name, message) for message in messages]
            for name, messages in field_errors(exc.detail).items()
        }
        response.data = error_body("invalid", _summary(fields), fields)
    else:
        details = []
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details = [{"wait_seconds": int(exc.wait)}]
        message = " ".join(sum(field_errors(exc.detail).values(), []))
        response.data = error_body(_code(exc), message, details=details)
    return response


def field_errors(detail) -> dict[str, list[str]]:
    """DRF error detail (nested dicts and lists) as {dotted name: [messages]}."""
    fields: dict[str, list[str]] = {}
    for name, message in _flatten(detail, ""):
        if name in ("", NON_FIELD_ERRORS):
            name = api_settings.NON_FIELD_ERRORS_KEY
        fields.setdefault(name, []).append(message)
    return fields


def _summary(fields: dict[str, list[str]]) -> str:
    parts = [
        " ".join(msgs)
        if name == api_settings.NON_FIELD_ERRORS_KEY
        else f"{name}: {' '.join(msgs)}"
        for name, msgs in fields.items()
    ]
    return "; ".join(parts) or "The input is not valid."


def _flatten(detail, prefix: str):
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(detail, list | tuple):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list | tuple):
                yield from _flatten(item, f"{prefix}.{index}" if prefix else str(index))
            else:
                yield prefix, str(item)
    else:
        yield prefix, str(detail)


def _code(exc) -> str:
    codes = exc.get_codes() if hasattr(exc, "get_codes") else None
    if isinstance(codes, str):
        return codes
    return getattr(exc, "default_code", "error")


# Plain messages -------------------------------------------------------------

_FIRST, _LAST = DATETIME_YEARS
# DRF's defaults by the class that declares them (a field's
# default_error_messages code, or a validator's attribute) -> what we say.
# {Label}/{label}: the field's label starting a sentence / inside one; other
# names are DRF's own (max_length, input, ...); type names ("str") are said
# in JSON's words ("text").
PLAIN_MESSAGES: dict[type, dict[str, str]] = {
    drf.Field: {
        "required": "{Label} is required: send a value for it.",
        "null": "{Label} cannot be null: send a value for it.",
    },
    drf.CharField: {
        "blank": "{Label} cannot be empty: enter some text.",
        "invalid": "{Label} must be text: send it as a string.",
        "max_length": "{Label} must be {max_length} characters or fewer: shorten it.",
        "min_length": "{Label} must be {min_length} characters or more: lengthen it.",
    },
    drf.IntegerField: {
        "invalid": "{Label} must be a whole number, like 12.",
        "max_string_length": "{Label} has too many digits: send a shorter number.",
        "max_value": "{Label} must be {max_value} or less.",
        "min_value": "{Label} must be {min_value} or more.",
    },
    drf.BigIntegerField: {
        "invalid": "{Label} must be a whole number, like 12.",
    },
    drf.DecimalField: {
        "invalid": "{Label} must be a number, like 12.50.",
        "max_digits": "{Label} must have {max_digits} digits or fewer in total.",
        "max_decimal_places": "{Label} must have {max_decimal_places} decimal places or fewer.",
        "max_whole_digits": "{Label} must have {max_whole_digits} digits or fewer before the decimal point.",
    },
    drf.FloatField: {
        "overflow": "{Label} is too large: send a smaller number.",
    },
    drf.BooleanField: {
        "invalid": "{Label} must be true or false.",
    },
    drf.DateField: {
        "invalid": "{Label} must be a date written YYYY-MM-DD, like 2027-03-27.",
        "datetime": "{Label} must be a date without a time, like 2027-03-27.",
    },
    drf.DateTimeField: {
        "invalid": "{Label} must be a date and time written YYYY-MM-DDTHH:MM with the UTC offset, like 2027-03-27T18:30:00+01:00.",
        "date": "{Label} must be a date and a time, like 2027-03-27T18:30:00+01:00, not only a date.",
        "make_aware": "{Label} is not a real time in {timezone} (the clocks change then): choose another time.",
        "overflow": f"{{Label}} must be between {_FIRST} and {_LAST}.",
    },
    drf.TimeField: {
        "invalid": "{Label} must be a time on the 24-hour clock, like 18:30.",
    },
    drf.DurationField: {
        "invalid": "{Label} must be a length of time written HH:MM:SS, like 01:30:00.",
        "overflow": "{Label} must be between {min_days} and {max_days} days.",
    },
    drf.EmailField: {
        "invalid": "{Label} must be an email address, like name@example.com.",
    },
    drf.URLField: {
        "invalid": "{Label} must be a full web address, like https://example.org.",
    },
    drf.RegexField: {
        "invalid": "{Label} is not in the right format: check it against the API schema.",
    },
    drf.SlugField: {
        "invalid": "{Label} must use only letters, numbers, hyphens and underscores, like main-hall.",
        "invalid_unicode": "{Label} must use only letters, numbers, hyphens and underscores, like main-hall.",
    },
    drf.UUIDField: {
        "invalid": "{Label} must be a UUID, like 123e4567-e89b-12d3-a456-426614174000.",
    },
    drf.IPAddressField: {
        "invalid": "{Label} must be an IPv4 or IPv6 address.",
    },
    drf.JSONField: {
        "invalid": "{Label} must be valid JSON.",
    },
    drf.ChoiceField: {
        "invalid_choice": "{Label} cannot be “{input}”: use one of the values the API schema lists for it.",
    },
    drf.FilePathField: {
        "invalid_choice": "{Label} cannot be “{input}”: use one of the values the API schema lists for it.",
    },
    drf.MultipleChoiceField: {
        "empty": "{Label} cannot be empty: choose at least one value.",
    },
    drf.ListField: {
        "not_a_list": "{Label} must be a list (a JSON array), not {input_type}.",
        "empty": "{Label} cannot be an empty list: include at least one item.",
        "max_length": "{Label} can have {max_length} items at most: send fewer.",
        "min_length": "{Label} must have at least {min_length} items: send more.",
    },
    drf.DictField: {
        "not_a_dict": "{Label} must be an object (a JSON dictionary), not {input_type}.",
        "empty": "{Label} cannot be empty: include at least one entry.",
    },
    drf_serializers.Serializer: {
        "invalid": "{Label} must be an object (a JSON dictionary), not {datatype}.",
    },
    relations.PrimaryKeyRelatedField: {
        "does_not_exist": "There is nothing with id {pk_value} for {label}: check the id.",
        "incorrect_type": "{Label} must be an id (a whole number), not {data_type}.",
    },
    relations.SlugRelatedField: {
        "does_not_exist": "{Label} is {slug_name} “{value}”, which does not exist: check it.",
        "invalid": "{Label} is not valid: check it against the API schema.",
    },
    relations.HyperlinkedRelatedField: {
        "does_not_exist": "{Label} must be the address of something that exists: check the link.",
        "incorrect_match": "{Label} must be the address of the right kind of thing: check the link.",
        "no_match": "{Label} must be the address of something that exists: check the link.",
        "incorrect_type": "{Label} must be a web address (text), not {data_type}.",
    },
    drf.FileField: {
        "required": "{Label} is required: attach a file.",
        "empty": "The file for {label} is empty: choose another.",
        "invalid": "{Label} must be a file: send the request as multipart/form-data.",
        "no_name": "The file for {label} has no name: give it one.",
        "max_length": "The file name for {label} must be {max_length} characters or fewer.",
    },
    drf.ImageField: {
        "invalid_image": "The file for {label} is not an image, or is damaged: choose another.",
    },
    validators.UniqueValidator: {
        "message": "{Label} is already used: choose a different one.",
    },
    validators.UniqueTogetherValidator: {
        "message": "The combination of {field_names} is already used: change one of them.",
    },
    validators.UniqueForDateValidator: {
        "message": "{Label} is already used on that {date_field}: choose a different one.",
    },
    validators.UniqueForMonthValidator: {
        "message": "{Label} is already used in that month of {date_field}: choose a different one.",
    },
    validators.UniqueForYearValidator: {
        "message": "{Label} is already used in that year of {date_field}: choose a different one.",
    },
    drf.ProhibitSurrogateCharactersValidator: {
        "message": "Remove the character U+{code_point} from {label}.",
    },
}
# Django's defaults, where a model or a validator reaches the API with one.
DJANGO_PLAIN_MESSAGES: dict[str, str] = {
    "Ensure this value is less than or equal to %(limit_value)s.": "{Label} must be {limit_value} or less.",
    "Ensure this value is greater than or equal to %(limit_value)s.": "{Label} must be {limit_value} or more.",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).": "{Label} must be {limit_value} characters or fewer: shorten it.",
    "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).": "{Label} must be {limit_value} characters or more: lengthen it.",
    "Ensure this value is a multiple of step size %(limit_value)s.": "{Label} must be a multiple of {limit_value}.",
    "Enter a valid value.": "{Label} is not in the right format: check it.",
    "Enter a number.": "{Label} must be a number, like 12.50.",
    "Null characters are not allowed.": "Remove the null character from {label}.",
    "This field cannot be null.": "{Label} cannot be null: send a value.",
    "This field cannot be blank.": "{Label} cannot be empty: enter a value.",
    "Value %(value)r is not a valid choice.": "{Label} cannot be {value}: use one of the values the API schema lists.",
    "%(model_name)s with this %(field_label)s already exists.": "{Label} is already used: choose a different one.",
}
_JSON_TYPES = {
    "str": "text",
    "int": "a number",
    "float": "a number",
    "Decimal": "a number",
    "bool": "true or false",
    "list": "a list",
    "tuple": "a list",
    "dict": "an object",
    "NoneType": "null",
}
_TYPE_PARAMS = ("input_type", "datatype", "data_type")
_ONE = re.compile(r"\b1 (item|character|digit|decimal place|day)s\b")
_PARAM = re.compile(r"\\\{(\w+)(?::[^}]*)?\\\}|%\\\((\w+)\\\)[sdr]")


def default_messages() -> list[tuple[str, str]]:
    """(DRF's or Django's default wording, in the active language, our
    wording) for every entry of PLAIN_MESSAGES and DJANGO_PLAIN_MESSAGES."""
    found = []
    for owner, messages in PLAIN_MESSAGES.items():
        for where, plain in messages.items():
            if issubclass(owner, drf.Field):
                text = owner.default_error_messages[where]
            else:
                text = getattr(owner, where)
            found.append((str(text), plain))
    return found + list(DJANGO_PLAIN_MESSAGES.items())


def _patterns() -> list[tuple[re.Pattern, str]]:
    language = get_language()
    if language not in _PATTERNS:
        _PATTERNS[language] = [
            (re.compile("^" + _PARAM.sub(_group, re.escape(text)) + "$", re.S), plain)
            for text, plain in default_messages()
        ]
    return _PATTERNS[language]


_PATTERNS: dict[str, list] = {}


def _group(match) -> str:
    return f"(?P<{match.group(1) or match.group(2)}>.*?)"


def plain_message(path: str, message: str) -> str:
    """`message` for the field at dotted `path`: ours if it is a default one,
    naming the field and the fix; otherwise unchanged."""
    text = str(message)
    for pattern, plain in _patterns():
        found = pattern.match(text)
        if found is None:
            continue
        params = {
            name: _JSON_TYPES.get(value, value)
            if name in _TYPE_PARAMS
            else _shorten(value)
            for name, value in found.groupdict().items()
        }
        label = field_label(path)
        words = plain.format(label=label, Label=label[:1].upper() + label[1:], **params)
        return _ONE.sub(r"1 \1", words)
    return text


def _shorten(value: str) -> str:
    """What the client sent, as a message repeats it: at most 40 characters."""
    return value if len(value) <= 40 else value[:39] + "\u2026"


def field_label(path: str) -> str:
    """The field at dotted `path` in words: "date_of_birth" -> "date of birth",
    "ages.1" -> "item 2 of ages", "members.0.first_name" -> "first name", the
    whole input (``non_field_errors``) -> "the input"."""
    parts = [p for p in path.split(".") if p]
    if parts and parts[-1] == api_settings.NON_FIELD_ERRORS_KEY:
        parts.pop()
    if not parts:
        return "the input"
    if parts[-1].isdigit():
        names = [p for p in parts if not p.isdigit()]
        owner = names[-1].replace("_", " ") if names else "the input"
        return f"item {int(parts[-1]) + 1} of {owner}"
    return parts[-1].replace("_", " ")
