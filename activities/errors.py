"""Activity errors are hub.errors' one family (no base of this app's own):
services raise these, and hub.api_errors / hub.views_base show them. An
error this app needs that the hub lacks must subclass one of them."""

from hub.errors import Conflict, DomainError, NotFound, PermissionDenied, StateError

__all__ = ["Conflict", "DomainError", "NotFound", "PermissionDenied", "StateError"]
