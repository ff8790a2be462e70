"""Sites and rooms API: public reads, business-manager writes.

Thin adapters over hub.selectors and hub.services; errors become the one JSON
error body in hub.api_errors.
"""

import django_filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from hub import selectors, services
from hub.api_base import (
    HubApiView,
    PublicApiView,
    StrictInputSerializer,
    check_perm,
    filter_queryset,
    object_or_404,
    paginate,
)
from hub.models import OpeningHours, Room, RoomFeature, Site
from hub.services import SITE_FIELDS


class SiteFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area", lookup_expr="iexact")
    trust = django_filters.CharFilter(field_name="trust__slug", label="Trust slug")


class RoomFilter(django_filters.FilterSet):
    site = django_filters.NumberFilter(field_name="site_id")
    min_capacity = django_filters.NumberFilter(field_name="capacity", lookup_expr="gte")
    feature = django_filters.CharFilter(field_name="features__slug")


class OpeningHoursOutput(serializers.ModelSerializer):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens_at", "closes_at"]


class SiteOutput(serializers.ModelSerializer):
    trust = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    opening_hours = OpeningHoursOutput(many=True, read_only=True)

    class Meta:
        model = Site
        fields = [
            "id",
            *SITE_FIELDS,
            "opening_hours",
        ]


class RoomOutput(serializers.ModelSerializer):
    site_slug = serializers.CharField(source="site.slug", read_only=True)
    features = serializers.SlugRelatedField(
        many=True, slug_field="slug", read_only=True
    )

    class Meta:
        model = Room
        fields = [
            "id",
            "site",
            "site_slug",
            "name",
            "slug",
            "description",
            "capacity",
            "features",
            "accessibility_notes",
            "rate_daytime_pence",
            "rate_evening_pence",
            "rate_weekend_pence",
            "setup_buffer_minutes",
            "cleardown_buffer_minutes",
            "is_bookable",
        ]


class RoomInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=80)
    description = serializers.CharField(required=False, allow_blank=True)
    capacity = serializers.IntegerField(
        min_value=1,
        error_messages={"min_value": "Capacity must be at least 1 person."},
    )
    features = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=RoomFeature.objects.all(),
        required=False,
        error_messages={
            "does_not_exist": "No room feature has the slug “{value}”. "
            "Use kitchen, sports, av, step-free, accessible-toilet, "
            "hearing-loop, outdoor or parking."
        },
    )
    accessibility_notes = serializers.CharField(required=False, allow_blank=True)
    rate_daytime_pence = serializers.IntegerField(min_value=0, required=False)
    rate_evening_pence = serializers.IntegerField(min_value=0, required=False)
    rate_weekend_pence = serializers.IntegerField(min_value=0, required=False)
    setup_buffer_minutes = serializers.IntegerField(
        min_value=0, max_value=240, required=False
    )
    cleardown_buffer_minutes = serializers.IntegerField(
        min_value=0, max_value=240, required=False
    )
    is_bookable = serializers.BooleanField(required=False)


class SiteListApi(PublicApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("area", str, description="Area name, any case."),
            OpenApiParameter("trust", str, description="Trust slug."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=SiteOutput(many=True),
    )
    def get(self, request):
        sites = filter_queryset(
            filterset_class=SiteFilter,
            request=request,
            queryset=selectors.site_list_public(),
        )
        return paginate(
            request=request, view=self, queryset=sites, serializer_class=SiteOutput
        )


class SiteDetailApi(PublicApiView):
    @extend_schema(responses=SiteOutput)
    def get(self, request, site_id: int):
        site = object_or_404(selectors.site_list_public(), what="site", pk=site_id)
        return Response(SiteOutput(site).data)


class RoomListApi(PublicApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("site", int, description="Site id."),
            OpenApiParameter("min_capacity", int, description="At least this many."),
            OpenApiParameter("feature", str, description="Feature slug, e.g. kitchen."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=RoomOutput(many=True),
    )
    def get(self, request):
        rooms = filter_queryset(
            filterset_class=RoomFilter,
            request=request,
            queryset=selectors.room_list_public(),
        )
        return paginate(
            request=request, view=self, queryset=rooms, serializer_class=RoomOutput
        )


ROOM_EXAMPLE = {
    "name": "Main hall",
    "slug": "main-hall",
    "capacity": 120,
    "features": ["sports", "step-free"],
    "accessibility_notes": "Level access from the playground gate.",
    "rate_evening_pence": 3500,
    "is_bookable": True,
}


class SiteRoomCreateApi(HubApiView):
    @extend_schema(
        request=RoomInput,
        responses={201: RoomOutput},
        examples=[OpenApiExample("A hall", value=ROOM_EXAMPLE, request_only=True)],
    )
    def post(self, request, site_id: int):
        site = object_or_404(Site.objects.all(), what="site", pk=site_id)
        check_perm(request.user, "hub.add_room", site)
        serializer = RoomInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        room = services.room_create(site=site, **serializer.validated_data)
        return Response(RoomOutput(room).data, status=status.HTTP_201_CREATED)


class RoomDetailApi(HubApiView):
    def get_permissions(self):
        if self.request.method == "GET":
            return [AllowAny()]
        return super().get_permissions()

    @extend_schema(responses=RoomOutput)
    def get(self, request, room_id: int):
        room = object_or_404(selectors.room_list_public(), what="room", pk=room_id)
        return Response(RoomOutput(room).data)

    @extend_schema(
        request=RoomInput(partial=True),
        responses=RoomOutput,
        examples=[
            OpenApiExample("Change capacity", value={"capacity": 90}, request_only=True)
        ],
    )
    def patch(self, request, room_id: int):
        room = object_or_404(
            Room.objects.select_related("site"), what="room", pk=room_id
        )
        check_perm(request.user, "hub.change_room", room)
        serializer = RoomInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        room = services.room_update(room=room, **serializer.validated_data)
        return Response(RoomOutput(room).data)
