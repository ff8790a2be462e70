"""Output serializers shared by the booking endpoints."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings import selectors
from bookings.models import Booking, Slot
from hub.api_base import local_iso


@extend_schema_field(OpenApiTypes.DATETIME)
class SiteTimeField(serializers.Field):
    """An instant as ISO 8601 with the offset of the object's site."""

    def __init__(self, *, site_path: str = "room.site", **kwargs):
        self.site_path = site_path
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        site = instance
        for part in self.site_path.split("."):
            site = getattr(site, part)
        return local_iso(getattr(instance, self.source, None), site)

    def to_representation(self, value):
        return value


class SlotOutput(serializers.Serializer):
    class Meta:
        ref_name = "BookingOccurrence"

    id = serializers.IntegerField()
    starts_at = SiteTimeField()
    ends_at = SiteTimeField()
    state = serializers.ChoiceField(choices=Slot.State.choices)
    is_active = serializers.BooleanField()
    note = serializers.CharField()
    price_pence = serializers.IntegerField(min_value=0, help_text="In pence.")


class BookingListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Booking.Status.choices)
    partner = serializers.CharField(source="partner.name")
    partner_id = serializers.IntegerField()
    room = serializers.CharField(source="room.name")
    room_id = serializers.IntegerField()
    site_id = serializers.IntegerField(source="room.site_id")
    recurrence = serializers.CharField(source="recurrence_summary")
    next_start = SiteTimeField(allow_null=True)
    quote_pence = serializers.IntegerField(allow_null=True, help_text="In pence.")


class BookingDetailOutput(BookingListOutput):
    purpose = serializers.CharField()
    expected_attendees = serializers.IntegerField()
    setup_notes = serializers.CharField()
    term_time_only = serializers.BooleanField()
    time_zone = serializers.CharField(source="room.site.timezone")
    decision_note = serializers.CharField()
    social_value_pence = serializers.IntegerField(allow_null=True)
    occurrences = serializers.SerializerMethodField()

    @extend_schema_field(SlotOutput(many=True))
    def get_occurrences(self, obj) -> list[dict]:
        return SlotOutput(obj.detail_slots, many=True).data


def booking_detail_data(booking: Booking) -> dict:
    """The detail body: the booking with every occurrence (two queries)."""
    slots = selectors.booking_detail_slots(booking=booking)
    for slot in slots:
        slot.room = booking.room  # the site zone without a query per slot
    booking.detail_slots = slots
    booking.next_start = next(
        (s.starts_at for s in slots if s.state == Slot.State.PLANNED), None
    )
    return BookingDetailOutput(booking).data
