"""Activity errors: the hub's domain errors, named for this app."""

from hub.errors import Conflict, DomainError, NotFound, PermissionDenied, StateError

__all__ = ["Conflict", "DomainError", "NotFound", "PermissionDenied", "StateError"]
