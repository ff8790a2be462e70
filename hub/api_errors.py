"""The one DRF exception handler: every API error has the same JSON body.

{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]},
           "details": [...]}}
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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


_body = error_body


def exception_handler(exc, context):
    if isinstance(exc, DatabaseError):
        exc = domain_error_for(exc) or exc
    if isinstance(exc, DomainError):
        fields = {exc.field: [exc.message]} if exc.field else None
        return Response(
            _body(exc.code, exc.message, fields, exc.details), status=exc.status_code
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else None
        message = "; ".join(exc.messages)
        return Response(_body("invalid", message, fields), status=400)
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
