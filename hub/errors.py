"""Domain exceptions. Services raise these; hub.api_errors and the HTML views
translate them to HTTP responses in one place each."""


class DomainError(Exception):
    """Base for rule violations a user can fix. `message` is shown to them."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, details=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or []


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class StateError(DomainError):
    """The object is not in a state that allows this action (e.g. already declined)."""

    status_code = 409
    code = "invalid_state"


class Conflict(DomainError):
    """The action clashes with something else (a booking, a full activity)."""

    status_code = 409
    code = "conflict"
