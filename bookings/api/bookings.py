"""/api/v1/bookings/: list (paged), request a room, one booking in detail."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from bookings import selectors
from bookings.api.serializers import (
    BookingDetailOutput,
    BookingListOutput,
    booking_detail_data,
)
from bookings.models import Booking
from bookings.scheduling import MAX_OCCURRENCES, NTH_NAMES, Frequency, Recurrence
from bookings.services import When, booking_request
from bookings.services.requests import MAX_INTERVAL
from hub.api_base import ApiView, StrictInputSerializer
from hub.api_schema import paginated
from hub.errors import DomainError
from hub.models import Room
from partners.models import Partner

CREATE_EXAMPLE = OpenApiExample(
    "Tuesday evenings for the autumn term",
    value={
        "room": 1,
        "title": "Family cooking club",
        "purpose": "Cooking on a budget for parents and children",
        "expected_attendees": 24,
        "setup_notes": "Tables in rows; kitchen hatch open",
        "first_day": "2026-09-08",
        "start_time": "18:00",
        "end_time": "20:00",
        "frequency": "weekly",
        "interval": 1,
        "until": "2026-12-15",
        "term_time_only": True,
    },
    request_only=True,
)


class BookingCreateInput(StrictInputSerializer):
    room = serializers.IntegerField(min_value=1)
    partner = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Needed only if you belong to several partners.",
    )
    title = serializers.CharField(max_length=200)
    purpose = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    expected_attendees = serializers.IntegerField(min_value=1, max_value=10_000)
    setup_notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    first_day = serializers.DateField(help_text="Local date at the site.")
    start_time = serializers.TimeField(help_text="Local wall-clock time at the site.")
    end_time = serializers.TimeField(help_text="Local wall-clock time at the site.")
    frequency = serializers.ChoiceField(
        choices=[c for c, _ in Frequency.CHOICES], default=Frequency.ONCE
    )
    interval = serializers.IntegerField(
        default=1,
        min_value=1,
        max_value=MAX_INTERVAL,
        help_text="Repeat every N weeks (weekly) or months (monthly); "
        "must be 1 for a one-off.",
    )
    nth = serializers.ChoiceField(
        choices=list(NTH_NAMES),
        required=False,
        allow_null=True,
        help_text="Monthly only: which weekday of the month, 1-4 or -1 for the last.",
    )
    until = serializers.DateField(
        required=False, allow_null=True, help_text="Last local date, inclusive."
    )
    count = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_OCCURRENCES
    )
    term_time_only = serializers.BooleanField(default=False)
    allow_clashes = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if attrs["frequency"] == Frequency.ONCE and attrs["interval"] != 1:
            raise serializers.ValidationError(
                {"interval": "A one-off booking does not repeat: leave it at 1."}
            )
        return attrs


class BookingListQuery(StrictInputSerializer):
    partner = serializers.IntegerField(required=False, min_value=1)
    site = serializers.IntegerField(required=False, min_value=1)
    room = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=Booking.Status.values, required=False)

    def get_fields(self):  # `from` is a Python keyword
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, help_text="Has a date on or after this day."
        )
        fields["to"] = serializers.DateField(
            required=False, help_text="Has a date on or before this day."
        )
        return fields


class BookingListCreateApi(ApiView):
    """GET: bookings you can see (your partner's, or at sites you staff).
    POST: request a room, once or recurring (staff of approved partners)."""

    omit_error_statuses = {"get": (403,)}  # everyone sees their own (maybe none)

    @extend_schema(
        parameters=[BookingListQuery],
        responses=paginated(BookingListOutput),
        operation_id="bookings_list",
    )
    def get(self, request):
        query = self.query(BookingListQuery)
        bookings = selectors.booking_list(
            actor=request.user,
            partner_id=query.get("partner"),
            site_id=query.get("site"),
            room_id=query.get("room"),
            status=query.get("status"),
            date_from=query.get("from"),
            date_to=query.get("to"),
        )
        return self.page(bookings, BookingListOutput)

    @extend_schema(
        request=BookingCreateInput,
        responses={201: BookingDetailOutput},
        examples=[CREATE_EXAMPLE],
        operation_id="bookings_create",
    )
    def post(self, request):
        data = self.input(BookingCreateInput)
        booking = booking_request(
            room=_room(data.pop("room")),
            partner=_partner(request.user, data.pop("partner", None)),
            requested_by=request.user,
            **_request_kwargs(data),
        )
        return Response(booking_detail_data(booking), status=status.HTTP_201_CREATED)


def _room(room_id: int) -> Room:
    room = Room.objects.select_related("site").filter(pk=room_id).first()
    if room is None:
        raise DomainError(f"There is no room {room_id}. Check the id.", field="room")
    return room


def _partner(user, partner_id: int | None) -> Partner | None:
    """The partner named, else the caller's only partner; None if they belong
    to none. booking_request checks the caller may book for it (403)."""
    if partner_id is not None:
        partner = Partner.objects.filter(pk=partner_id).first()
        if partner is None:
            raise DomainError(f"There is no partner {partner_id}.", field="partner")
        return partner
    found = list(Partner.objects.filter(memberships__user=user)[:2])
    if len(found) > 1:
        raise DomainError(
            "You belong to several partners: say which one.", field="partner"
        )
    return found[0] if found else None


def _request_kwargs(data: dict) -> dict:
    recurrence = Recurrence(
        frequency=data.pop("frequency"),
        interval=data.pop("interval"),
        nth=data.pop("nth", None),
        until=data.pop("until", None),
        count=data.pop("count", None),
    )
    when = When(
        first_day=data.pop("first_day"),
        start=data.pop("start_time"),
        end=data.pop("end_time"),
        recurrence=recurrence,
    )
    return {**data, "when": when}


class BookingDetailApi(ApiView):
    omit_error_statuses = (403,)  # unseen is 404; whoever sees it may read it

    @extend_schema(responses=BookingDetailOutput, operation_id="bookings_retrieve")
    def get(self, request, booking_id: int):
        booking = selectors.booking_get(booking_id=booking_id, actor=request.user)
        return Response(booking_detail_data(booking))
