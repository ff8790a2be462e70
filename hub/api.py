"""Sites and rooms API: public reads, business-manager writes.

Thin adapters on hub.api_base.ApiView: validate the query or body, find the
object (404), call the service with ``actor=`` (which checks permission: 403),
serialise. Errors become the one JSON error body in hub.api_errors.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from hub import selectors, services
from hub.api_base import ApiView, StrictInputSerializer
from hub.api_schema import paginated
from hub.models import OpeningHours, Room, RoomFeature, Site
from hub.services import ROOM_FIELDS, SITE_FIELDS


class OpeningHoursOutput(serializers.ModelSerializer):
    opens_at = serializers.TimeField(help_text="Local time at the school.")
    closes_at = serializers.TimeField(help_text="Local time at the school.")

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens_at", "closes_at"]


class SiteOutput(serializers.ModelSerializer):
    trust = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    opening_hours = OpeningHoursOutput(many=True, read_only=True)

    class Meta:
        model = Site
        fields = ["id", *SITE_FIELDS, "opening_hours"]


class RoomOutput(serializers.ModelSerializer):
    site_slug = serializers.CharField(source="site.slug", read_only=True)
    features = serializers.SlugRelatedField(
        many=True, slug_field="slug", read_only=True
    )

    class Meta:
        model = Room
        fields = ["id", "site", "site_slug", *ROOM_FIELDS, "features"]


class SiteQuery(StrictInputSerializer):
    area = serializers.CharField(
        required=False, max_length=100, help_text="Area name, any case."
    )
    trust = serializers.SlugField(
        required=False, max_length=80, help_text="Trust slug."
    )


class RoomQuery(StrictInputSerializer):
    site = serializers.IntegerField(required=False, min_value=1, help_text="Site id.")
    min_capacity = serializers.IntegerField(
        required=False, min_value=1, help_text="At least this many people."
    )
    feature = serializers.SlugField(
        required=False, max_length=40, help_text="Feature slug, e.g. kitchen."
    )


class RoomInput(StrictInputSerializer):
    """The fields of hub.services.ROOM_FIELDS, plus features by slug."""

    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=80)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=5000
    )
    capacity = serializers.IntegerField(
        min_value=1,
        max_value=2_147_483_647,
        error_messages={"min_value": "Capacity must be at least 1 person."},
    )
    accessibility_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=2000
    )
    rate_daytime_pence = serializers.IntegerField(
        min_value=0, max_value=2_147_483_647, required=False, help_text="In pence."
    )
    rate_evening_pence = serializers.IntegerField(
        min_value=0, max_value=2_147_483_647, required=False, help_text="In pence."
    )
    rate_weekend_pence = serializers.IntegerField(
        min_value=0, max_value=2_147_483_647, required=False, help_text="In pence."
    )
    setup_buffer_minutes = serializers.IntegerField(
        min_value=0, max_value=240, required=False
    )
    cleardown_buffer_minutes = serializers.IntegerField(
        min_value=0, max_value=240, required=False
    )
    is_bookable = serializers.BooleanField(required=False)
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


class SiteListApi(ApiView):
    public = True

    @extend_schema(parameters=[SiteQuery], responses=paginated(SiteOutput))
    def get(self, request):
        query = self.query(SiteQuery)
        return self.page(selectors.site_list_public(**query), SiteOutput)


class SiteDetailApi(ApiView):
    public = True

    @extend_schema(responses=SiteOutput)
    def get(self, request, site_id: int):
        site = self.lookup(selectors.site_list_public(), what="site", pk=site_id)
        return Response(SiteOutput(site).data)


class RoomListApi(ApiView):
    public = True

    @extend_schema(parameters=[RoomQuery], responses=paginated(RoomOutput))
    def get(self, request):
        query = self.query(RoomQuery)
        return self.page(selectors.room_list_public(**query), RoomOutput)


ROOM_EXAMPLE = {
    "name": "Main hall",
    "slug": "main-hall",
    "capacity": 120,
    "features": ["sports", "step-free"],
    "accessibility_notes": "Level access from the playground gate.",
    "rate_evening_pence": 3500,
    "is_bookable": True,
}


class SiteRoomCreateApi(ApiView):
    # A taken slug is a 400 on `slug`; nothing else can clash.
    omit_error_statuses = (409,)

    @extend_schema(
        request=RoomInput,
        responses={201: RoomOutput},
        examples=[OpenApiExample("A hall", value=ROOM_EXAMPLE, request_only=True)],
    )
    def post(self, request, site_id: int):
        site = self.lookup(selectors.site_list_public(), what="site", pk=site_id)
        data = self.input(RoomInput)
        room = services.room_create(actor=request.user, site=site, **data)
        return Response(RoomOutput(room).data, status=status.HTTP_201_CREATED)


class RoomDetailApi(ApiView):
    """Anyone may read a room; changing it needs sign-in (401) and the right
    to change it (403, from the service)."""

    omit_error_statuses = {"patch": (409,)}

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=RoomOutput)
    def get(self, request, room_id: int):
        room = self.lookup(selectors.room_list_public(), what="room", pk=room_id)
        return Response(RoomOutput(room).data)

    @extend_schema(
        request=RoomInput(partial=True),
        responses=RoomOutput,
        examples=[
            OpenApiExample("Change capacity", value={"capacity": 90}, request_only=True)
        ],
    )
    def patch(self, request, room_id: int):
        room = self.lookup(selectors.room_list_public(), what="room", pk=room_id)
        data = self.input(RoomInput, partial=True)
        room = services.room_update(actor=request.user, room=room, **data)
        return Response(RoomOutput(room).data)
