"""The one DRF exception handler: every API error has the same JSON body.

{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]},
           "details": [...]}}
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hub.errors import DomainError

# PostgreSQL: exclusion violation (double booking) and deadlock abort.
CONFLICT_SQLSTATES = {"23P01", "40P01", "40001"}


def _body(code: str, message: str, fields=None, details=None) -> dict:
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    if details:
        error["details"] = details
    return {"error": error}


def _sqlstate(exc: Exception) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        fields = {exc.field: [exc.message]} if exc.field else None
        return Response(
            _body(exc.code, exc.message, fields, exc.details), status=exc.status_code
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else None
        message = "; ".join(exc.messages)
        return Response(_body("invalid", message, fields), status=400)
    if isinstance(exc, IntegrityError | OperationalError) and (
        _sqlstate(exc) in CONFLICT_SQLSTATES or "database is locked" in str(exc)
    ):
        return Response(
            _body("conflict", "Someone else changed this at the same time. Try again."),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found. Check the address or the id.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = (
            exc.detail
            if isinstance(exc.detail, dict)
            else {"non_field_errors": exc.detail}
        )
        messages = [
            f"{k}: {' '.join(map(str, v if isinstance(v, list) else [v]))}"
            for k, v in detail.items()
        ]
        response.data = _body("invalid", "; ".join(messages), detail)
    else:
        code = getattr(exc, "default_code", "error")
        response.data = _body(code, str(getattr(exc, "detail", exc)))
    return response
