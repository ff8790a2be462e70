"""The one adapter base for every API endpoint (`ApiView`) and what it uses:
the pagination envelope, strict input serializers and site-local times."""

from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from hub import throttles
from hub.errors import NotFound
from hub.input_limits import (
    bound_dates_and_times,
    bound_numbers,
    clean_serializer_input,
)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ApiView(APIView):
    """The one base for every API endpoint.

    - Authentication: ``Authorization: Token <key>`` or the browser session
      (CSRF-checked). Token comes first, so an anonymous call to an endpoint
      that needs sign-in is a 401 with ``WWW-Authenticate: Token``; a signed-in
      caller who may not act is a 403 (raised by the service).
    - ``public = True`` lets anyone call it (reads of public data).
    - ``self.input(Serializer)`` validates the body and ``self.query(Serializer)``
      the query string with `StrictInputSerializer`s: unknown fields are a 400
      naming them.
    - ``self.lookup(queryset, what=..., pk=...)``: the object from a selector's
      queryset of what the caller may see, else 404 (never 403: a caller does
      not learn that something they may not see exists).
    - ``self.page(items, Serializer)``: the one pagination envelope
      ``{count, next, previous, results}`` with ``page`` and ``page_size``.
    - Errors, whatever raises them, leave through hub.api_errors as the one
      error body; database errors through hub.db_errors.
    """

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    public = False

    def get_permissions(self):
        if self.public:
            return [AllowAny()]
        return super().get_permissions()

    def check_throttles(self, request):
        """DRF's check, with every throttle's history read and written at once
        (hub.throttles.check_all)."""
        waits = throttles.check_all(self.get_throttles(), request, self)
        if waits:
            self.throttled(
                request, max((w for w in waits if w is not None), default=None)
            )

    def initial(self, request, *args, **kwargs):
        """After authentication, permission and throttling: read a write's
        body now, so a body that is not JSON is a 415 (or a malformed one a
        400) on every write, whether or not the view reads it, and before any
        work is done."""
        super().initial(request, *args, **kwargs)
        if request.method in WRITE_METHODS:
            request.data  # noqa: B018 (parsing raises 415/400)

    def input(self, serializer_class, *, data=None, partial=False, **context):
        """Validated body data (a dict); 400 naming every bad or unknown field."""
        return _validated(
            serializer_class,
            self.request.data if data is None else data,
            partial=partial,
            context={"request": self.request, **context},
        )

    def query(self, serializer_class, **context):
        """Validated query-string parameters (a dict); 400 as for `input`."""
        params = {k: v for k, v in self.request.query_params.items()}
        for name in ("page", "page_size"):
            params.pop(name, None)
        return _validated(
            serializer_class,
            params,
            partial=False,
            context={"request": self.request, **context},
        )

    def lookup(self, queryset, *, what: str, **lookup):
        """The one object of `queryset` matching `lookup`, else 404."""
        return object_or_404(queryset, what=what, **lookup)

    def page(self, items, serializer_class, *, context=None) -> Response:
        """One page of `items` (a queryset or list) in the pagination envelope."""
        paginator = HubPagination()
        page = paginator.paginate_queryset(items, self.request, view=self)
        data = serializer_class(
            page, many=True, context={"request": self.request, **(context or {})}
        ).data
        return paginator.get_paginated_response(data)


def _validated(serializer_class, data, *, partial, context) -> dict:
    if not issubclass(serializer_class, StrictInputSerializer):
        raise TypeError(
            f"{serializer_class.__name__} must subclass StrictInputSerializer"
        )
    serializer = serializer_class(data=data, partial=partial, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class HubPagination(PageNumberPagination):
    """?page=N, and ?page_size=N up to 200 (50 by default)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def object_or_404(queryset, *, what: str, **lookup):
    """The one object matching `lookup`, or hub.errors.NotFound (404, code
    "not_found") saying which `what` (e.g. "site") was not found."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        values = ", ".join(f"{k}={v}" for k, v in lookup.items())
        raise NotFound(f"No {what} has {values}. Check the id.")
    return obj


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that rejects fields it does not know (400 naming them),
    so a typo such as ``capcity`` is not silently ignored; text is NFC and
    control characters are refused, numbers, dates and times bounded
    (hub.input_limits)."""

    @cached_property
    def fields(self):
        # Here rather than in get_fields(), which a ModelSerializer or a
        # serializer with a field named `from` replaces without calling super.
        fields = super().fields
        bound_numbers(fields)
        bound_dates_and_times(fields)
        return fields

    def to_internal_value(self, data):
        data = clean_serializer_input(self, data)  # NFC; control characters 400
        unknown = set(data) - set(self.fields) if hasattr(data, "keys") else set()
        errors = {
            name: ["Unknown field. Remove it or check the spelling."]
            for name in sorted(unknown)
        }
        try:
            value = super().to_internal_value(data)
        except ValidationError as exc:
            raise ValidationError({**exc.detail, **errors}) from None
        if errors:
            raise ValidationError(errors)
        return value


def local_iso(value, site) -> str | None:
    """An instant as ISO 8601 with the site's offset (18:00+01:00 in summer), so
    API clients see the school's wall-clock time. None stays None."""
    return value.astimezone(site.zoneinfo).isoformat() if value else None
