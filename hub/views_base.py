"""The one path from a service's error to what a person sees on a page.

Every HTML view that changes state does it in one of two ways:

- with a form: ``done = submit(form, lambda data: service(actor=user, **data))``.
  The form validates; the service acts; a `DomainError` (or a database error,
  translated by hub.db_errors) becomes an error on the field it names, or at
  the top of the form, and nothing is saved. ``done.ok`` says whether to
  redirect; ``done.value`` is what the service returned.
- with a button and no form: ``done = act(request, lambda: service(...),
  success="Booking approved.")``. The error becomes a page message.

`NotFound` and `PermissionDenied` raised by a service are not turned into
messages: `DomainErrorMiddleware` answers them with the 404 and 403 pages, so a
view never needs its own try/except.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404

from hub import db_errors
from hub.errors import DomainError, NotFound, PermissionDenied


@dataclass(frozen=True)
class Outcome:
    ok: bool
    value: Any = None

    def __bool__(self) -> bool:
        return self.ok


def submit(form, action: Callable[[dict], Any]) -> Outcome:
    """Validate `form`, then run `action(form.cleaned_data)`."""
    if not form.is_valid():
        return Outcome(False)
    try:
        return Outcome(True, _run(action, form.cleaned_data))
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        form.add_domain_error(exc)
        return Outcome(False)


def act(request, action: Callable[[], Any], *, success: str = "") -> Outcome:
    """Run `action()`; a domain error becomes an error message on the page,
    with each of its details (e.g. every clashing date) after it."""
    try:
        value = _run(lambda _: action(), None)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return Outcome(False)
    if success:
        messages.success(request, success)
    return Outcome(True, value)


def error_text(exc: DomainError) -> str:
    """The message and its details as one sentence block for a page."""
    details = [
        d["message"] for d in exc.details if isinstance(d, dict) and d.get("message")
    ]
    return " ".join([exc.message, *details])


def _run(action, arg):
    # A savepoint, so a database error inside leaves the request's transaction
    # usable and nothing of the failed action saved.
    with db_errors.translated(), transaction.atomic():
        return action(arg)


class DomainErrorMiddleware:
    """A service's NotFound is the 404 page, its PermissionDenied the 403 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, PermissionDenied):
            raise DjangoPermissionDenied(exception.message) from exception
        return None
