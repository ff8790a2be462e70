"""The one DRF exception handler: every API error has the same JSON body.

{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]},
           "details": [...]}}

All four keys are always present. `fields` maps a field name to a list of
messages; nested input is named with dots (``members.0.first_name``) and
errors that belong to no field are under ``non_field_errors``. `details` is a
list of objects (e.g. each clashing date, or how long to wait when throttled).
The schema's `Error` component (hub.api_schema) describes exactly this body.
"""

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from hub.api_parsers import PayloadTooLarge
from hub.db_errors import domain_error_for
from hub.errors import DomainError


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
        fields = field_errors(exc.detail)
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
