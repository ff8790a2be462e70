"""Shared pieces for every app's API: pagination, permission checks, strict
input serializers and django-filter FilterSets used from plain APIViews."""

from django_filters import FilterSet
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.errors import NotFound, PermissionDenied


class HubApiView(APIView):
    """Base for every API view: token (``Authorization: Token <key>``) or
    session (browser, CSRF-checked) authentication; signed-in users only.
    Token comes first so that a missing or wrong token is a 401 with a
    ``WWW-Authenticate: Token`` header. Object-level rules are checked in the
    handler with `check_perm`."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


class PublicApiView(HubApiView):
    """Base for public reads: anyone may call it, signed in or not."""

    permission_classes = [AllowAny]


class HubPagination(PageNumberPagination):
    """?page=N, and ?page_size=N up to 200 (50 by default)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def paginate(*, request, view, queryset, serializer_class) -> Response:
    """One page of `queryset` serialised, with count/next/previous links."""
    paginator = HubPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def check_perm(user, perm: str, obj=None) -> None:
    """Raise hub.errors.PermissionDenied (403) unless the rules allow it."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(
            "You do not have permission to do this.", details=[{"permission": perm}]
        )


def object_or_404(queryset, *, what: str, **lookup):
    """The one object matching `lookup`, or hub.errors.NotFound (404, code
    "not_found") saying which `what` (e.g. "site") was not found."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        values = ", ".join(f"{k}={v}" for k, v in lookup.items())
        raise NotFound(f"No {what} has {values}. Check the id.")
    return obj


def filter_queryset(*, filterset_class: type[FilterSet], request, queryset):
    """Apply a FilterSet to query parameters; bad values are a 400 naming them."""
    filterset = filterset_class(request.query_params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that rejects fields it does not know (400 naming them),
    so a typo such as ``capcity`` is not silently ignored."""

    def to_internal_value(self, data):
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
