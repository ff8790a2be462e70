"""Shared pieces for every app's API: pagination, permission checks, strict
input serializers and django-filter FilterSets used from plain APIViews."""

from django_filters import FilterSet
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from hub.errors import PermissionDenied


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
