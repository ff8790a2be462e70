"""Free windows of one room, or of every bookable room at a site: a list with
one entry per room (not paged: at most the site's rooms), each with one entry
per day of the window (at most 31 days)."""

import datetime as dt

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from bookings.availability import MAX_DAYS, site_availability
from bookings.selectors import LIST_ZONE
from hub.api_base import ApiView, StrictInputSerializer
from hub.models import Room, Site


class AvailabilityQuery(StrictInputSerializer):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, inclusive, at most MAX_DAYS days."""

    def get_fields(self):  # `from` is a Python keyword
        return {
            "from": serializers.DateField(
                required=False, help_text="First day (local date); default today."
            ),
            "to": serializers.DateField(
                required=False,
                help_text=f"Last day, inclusive; at most {MAX_DAYS} days after "
                "`from` counting both; default a week.",
            ),
        }

    def validate(self, attrs):
        start = attrs.get("from") or timezone.localdate(timezone=LIST_ZONE)
        end = attrs.get("to") or start + dt.timedelta(days=6)
        if end < start:
            raise serializers.ValidationError(
                {"to": "'to' must be on or after 'from'."}
            )
        if (end - start).days >= MAX_DAYS:
            last = start + dt.timedelta(days=MAX_DAYS - 1)
            raise serializers.ValidationError(
                {
                    "to": f"Ask for at most {MAX_DAYS} days at a time "
                    f"(from {start} to {last})."
                }
            )
        return {"from": start, "to": end}


@extend_schema_field(OpenApiTypes.DATETIME)
class LocalTimeField(serializers.Field):
    """An aware instant already in the site zone, as ISO 8601 with its offset."""

    def to_representation(self, value):
        return value.isoformat()


class WindowOutput(serializers.Serializer):
    starts_at = LocalTimeField(source="start")
    ends_at = LocalTimeField(source="end")


class DayAvailabilityOutput(serializers.Serializer):
    date = serializers.DateField(source="day")
    closed_reason = serializers.CharField(help_text="Empty when open.")
    free = WindowOutput(many=True)
    busy = WindowOutput(many=True)


class RoomAvailabilityOutput(serializers.Serializer):
    room_id = serializers.IntegerField(source="room.pk")
    room = serializers.CharField(source="room.name")
    days = DayAvailabilityOutput(many=True)


def _availability(view, site, rooms) -> Response:
    window = view.query(AvailabilityQuery)
    result = site_availability(
        site=site, rooms=rooms, start=window["from"], end=window["to"]
    )
    return Response(RoomAvailabilityOutput(result, many=True).data)


class RoomAvailabilityApi(ApiView):
    """Free windows of one room: opening hours minus closures minus approved
    slots (with buffers). A list with this room's one entry."""

    omit_error_statuses = (403,)  # any signed-in user may see availability

    @extend_schema(
        parameters=[AvailabilityQuery],
        responses=RoomAvailabilityOutput(many=True),
        operation_id="rooms_availability",
    )
    def get(self, request, room_id: int):
        rooms = Room.objects.select_related("site").filter(is_bookable=True)
        room = self.lookup(rooms, what="bookable room", pk=room_id)
        return _availability(self, room.site, [room])


class SiteAvailabilityApi(ApiView):
    """Free windows of every bookable room at a site: a list, one entry a room."""

    omit_error_statuses = (403,)  # any signed-in user may see availability

    @extend_schema(
        parameters=[AvailabilityQuery],
        responses=RoomAvailabilityOutput(many=True),
        operation_id="sites_availability",
    )
    def get(self, request, site_id: int):
        site = self.lookup(Site.objects.all(), what="site", pk=site_id)
        return _availability(self, site, list(site.rooms.filter(is_bookable=True)))
