"""Booking API: thin adapters over bookings.services and bookings.selectors.

Domain errors become 400/403/404/409 in hub.api_errors (one handler). Times in
responses are ISO 8601 with the site's UTC offset (18:00+00:00 in winter,
18:00+01:00 in summer); request times are local wall-clock times at the site.
"""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from bookings import selectors
from bookings.availability import MAX_DAYS, site_availability
from bookings.models import Booking, Slot
from bookings.scheduling import Frequency, Recurrence
from bookings.selectors import LIST_ZONE
from bookings.services import (
    When,
    booking_approve,
    booking_cancel,
    booking_decline,
    booking_occurrence_move,
    booking_request,
)
from hub.api_base import local_iso
from hub.errors import DomainError, NotFound, PermissionDenied
from hub.models import Room, Site
from partners.models import Partner


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.SerializerMethodField()
    ends_at = serializers.SerializerMethodField()
    state = serializers.CharField()
    is_active = serializers.BooleanField()
    note = serializers.CharField()
    price_pence = serializers.IntegerField()

    def get_starts_at(self, obj) -> str:
        return local_iso(obj.starts_at, obj.room.site)

    def get_ends_at(self, obj) -> str:
        return local_iso(obj.ends_at, obj.room.site)


class BookingListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    partner = serializers.CharField(source="partner.name")
    partner_id = serializers.IntegerField()
    room = serializers.CharField(source="room.name")
    room_id = serializers.IntegerField()
    site_id = serializers.IntegerField(source="room.site_id")
    recurrence = serializers.CharField(source="recurrence_summary")
    next_start = serializers.SerializerMethodField()
    quote_pence = serializers.IntegerField(allow_null=True)

    def get_next_start(self, obj) -> str | None:
        return local_iso(getattr(obj, "next_start", None), obj.room.site)


class BookingDetailOutput(BookingListOutput):
    purpose = serializers.CharField()
    expected_attendees = serializers.IntegerField()
    setup_notes = serializers.CharField()
    term_time_only = serializers.BooleanField()
    time_zone = serializers.CharField(source="room.site.timezone")
    decision_note = serializers.CharField()
    social_value_pence = serializers.IntegerField(allow_null=True)
    occurrences = serializers.SerializerMethodField()

    def get_occurrences(self, obj) -> list[dict]:
        slots = self.context["slots"]
        for slot in slots:
            slot.room = obj.room  # the site zone without a query per slot
        return SlotSerializer(slots, many=True).data


def _detail(booking: Booking, code=status.HTTP_200_OK) -> Response:
    slots = selectors.booking_detail_slots(booking=booking)
    booking.next_start = next(
        (s.starts_at for s in slots if s.state == Slot.State.PLANNED), None
    )
    return Response(
        BookingDetailOutput(booking, context={"slots": slots}).data, status=code
    )


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


class BookingCreateApi(APIView):
    """Request a room, once or recurring. Partner staff of approved partners."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BookingCreateInput"

        room = serializers.IntegerField()
        partner = serializers.IntegerField(
            required=False, help_text="Needed only if you belong to several partners."
        )
        title = serializers.CharField(max_length=200)
        purpose = serializers.CharField(required=False, allow_blank=True, default="")
        expected_attendees = serializers.IntegerField(min_value=1)
        setup_notes = serializers.CharField(
            required=False, allow_blank=True, default=""
        )
        first_day = serializers.DateField(help_text="Local date at the site.")
        start_time = serializers.TimeField(
            help_text="Local wall-clock time at the site."
        )
        end_time = serializers.TimeField()
        frequency = serializers.ChoiceField(
            choices=[c for c, _ in Frequency.CHOICES], default=Frequency.ONCE
        )
        interval = serializers.IntegerField(default=1, min_value=1, max_value=8)
        nth = serializers.IntegerField(
            required=False,
            allow_null=True,
            help_text="Monthly: 1-4, or -1 for the last.",
        )
        until = serializers.DateField(required=False, allow_null=True)
        count = serializers.IntegerField(required=False, allow_null=True)
        term_time_only = serializers.BooleanField(default=False)
        allow_clashes = serializers.BooleanField(default=False)

    @extend_schema(
        request=InputSerializer,
        responses={201: BookingDetailOutput},
        examples=[CREATE_EXAMPLE],
        operation_id="bookings_create",
    )
    def post(self, request):
        data = _valid(self.InputSerializer, request.data)
        room = _room(data["room"])
        partner = _partner(request.user, data.get("partner"))
        booking = booking_request(
            room=room,
            partner=partner,
            requested_by=request.user,
            **_request_kwargs(data),
        )
        return _detail(booking, status.HTTP_201_CREATED)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _room(room_id: int) -> Room:
    room = Room.objects.select_related("site", "calendar").filter(pk=room_id).first()
    if room is None:
        raise DomainError(f"There is no room {room_id}.", field="room")
    return room


def _partner(user, partner_id: int | None) -> Partner:
    memberships = Partner.objects.filter(memberships__user=user)
    if partner_id is not None:
        memberships = memberships.filter(pk=partner_id)
    partners = list(memberships[:2])
    if not partners:
        raise PermissionDenied(
            "Only staff of a partner organisation can request rooms."
        )
    if len(partners) > 1:
        raise DomainError(
            "You belong to several partners: say which one.", field="partner"
        )
    return partners[0]


def _request_kwargs(data: dict) -> dict:
    recurrence = Recurrence(
        frequency=data["frequency"],
        interval=data["interval"],
        nth=data.get("nth"),
        until=data.get("until"),
        count=data.get("count"),
    )
    return {
        "title": data["title"],
        "purpose": data["purpose"],
        "expected_attendees": data["expected_attendees"],
        "setup_notes": data["setup_notes"],
        "term_time_only": data["term_time_only"],
        "allow_clashes": data["allow_clashes"],
        "when": When(
            first_day=data["first_day"],
            start=data["start_time"],
            end=data["end_time"],
            recurrence=recurrence,
        ),
    }


class BookingListApi(APIView):
    """Bookings you can see: your partner's, or those at sites you staff."""

    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BookingListFilter"

        partner = serializers.IntegerField(required=False)
        site = serializers.IntegerField(required=False)
        room = serializers.IntegerField(required=False)
        status = serializers.ChoiceField(choices=Booking.Status.values, required=False)

        def get_fields(self):
            fields = super().get_fields()
            fields["from"] = serializers.DateField(required=False)
            fields["to"] = serializers.DateField(required=False)
            return fields

    @extend_schema(
        parameters=[
            OpenApiParameter("partner", int),
            OpenApiParameter("site", int),
            OpenApiParameter("room", int),
            OpenApiParameter("status", str, enum=Booking.Status.values),
            OpenApiParameter(
                "from", dt.date, description="Has a date on or after this day."
            ),
            OpenApiParameter(
                "to", dt.date, description="Has a date on or before this day."
            ),
        ],
        responses={200: BookingListOutput(many=True)},
        operation_id="bookings_list",
    )
    def get(self, request):
        f = _valid(self.FilterSerializer, request.query_params)
        qs = selectors.booking_list(
            user=request.user,
            partner_id=f.get("partner"),
            site_id=f.get("site"),
            room_id=f.get("room"),
            status=f.get("status"),
            date_from=f.get("from"),
            date_to=f.get("to"),
        )
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(BookingListOutput(page, many=True).data)


class BookingListCreateApi(BookingListApi, BookingCreateApi):
    """GET lists, POST creates (one URL, two adapters)."""


class BookingDetailApi(APIView):
    @extend_schema(
        responses={200: BookingDetailOutput}, operation_id="bookings_retrieve"
    )
    def get(self, request, booking_id: int):
        return _detail(selectors.booking_get(booking_id=booking_id, user=request.user))


class BookingApproveApi(APIView):
    """Approve a pending booking (business managers of the room's site)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BookingApproveInput"

        note = serializers.CharField(required=False, allow_blank=True, default="")
        except_clashes = serializers.BooleanField(
            default=False, help_text="Approve all dates but the clashing ones."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: BookingDetailOutput},
        operation_id="bookings_approve",
        examples=[
            OpenApiExample(
                "Approve all but the clashing dates",
                value={"note": "Welcome!", "except_clashes": True},
                request_only=True,
            )
        ],
    )
    def post(self, request, booking_id: int):
        data = _valid(self.InputSerializer, request.data)
        booking = selectors.booking_get(
            booking_id=booking_id, user=request.user, perm="bookings.decide_booking"
        )
        return _detail(
            booking_approve(booking=booking, approved_by=request.user, **data)
        )


class BookingDeclineApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BookingDeclineInput"

        reason = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={200: BookingDetailOutput},
        operation_id="bookings_decline",
        examples=[
            OpenApiExample(
                "Decline",
                value={"reason": "The hall is being redecorated that week."},
                request_only=True,
            )
        ],
    )
    def post(self, request, booking_id: int):
        data = _valid(self.InputSerializer, request.data)
        booking = selectors.booking_get(
            booking_id=booking_id, user=request.user, perm="bookings.decide_booking"
        )
        return _detail(
            booking_decline(
                booking=booking, declined_by=request.user, reason=data["reason"]
            )
        )


class BookingCancelApi(APIView):
    """Cancel the series, one occurrence (slot_id) or every date from from_date."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BookingCancelInput"

        reason = serializers.CharField(required=False, allow_blank=True, default="")
        slot_id = serializers.IntegerField(required=False, allow_null=True)
        from_date = serializers.DateField(required=False, allow_null=True)

    @extend_schema(
        request=InputSerializer,
        responses={200: BookingDetailOutput},
        operation_id="bookings_cancel",
        examples=[
            OpenApiExample(
                "Cancel every date from half term",
                value={"reason": "Group paused", "from_date": "2026-10-26"},
                request_only=True,
            )
        ],
    )
    def post(self, request, booking_id: int):
        data = _valid(self.InputSerializer, request.data)
        booking = selectors.booking_get(
            booking_id=booking_id, user=request.user, perm="bookings.cancel_booking"
        )
        booking_cancel(booking=booking, cancelled_by=request.user, **data)
        return _detail(selectors.booking_get(booking_id=booking_id, user=request.user))


class BookingOccurrenceMoveApi(APIView):
    """Move one future date of a booking to another local date and time."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BookingOccurrenceMoveInput"

        slot_id = serializers.IntegerField(
            help_text="The occurrence's id, from the booking's occurrences."
        )
        date = serializers.DateField(help_text="New local date.")
        start_time = serializers.TimeField()
        end_time = serializers.TimeField()
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        responses={200: BookingDetailOutput},
        operation_id="bookings_move_occurrence",
        examples=[
            OpenApiExample(
                "Half term swap",
                value={
                    "slot_id": 42,
                    "date": "2026-10-29",
                    "start_time": "18:00",
                    "end_time": "20:00",
                    "reason": "Hall in use",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, booking_id: int):
        data = _valid(self.InputSerializer, request.data)
        booking = selectors.booking_get(
            booking_id=booking_id, user=request.user, perm="bookings.cancel_booking"
        )
        booking_occurrence_move(
            booking=booking,
            moved_by=request.user,
            slot_id=data["slot_id"],
            day=data["date"],
            start=data["start_time"],
            end=data["end_time"],
            reason=data["reason"],
        )
        return _detail(selectors.booking_get(booking_id=booking_id, user=request.user))


class RangeSerializer(serializers.Serializer):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive). `from` is a Python keyword,
    hence get_fields."""

    def get_fields(self):
        return {
            "from": serializers.DateField(required=False),
            "to": serializers.DateField(required=False),
        }

    def validate(self, attrs):
        start = attrs.get("from") or timezone.localdate(timezone=LIST_ZONE)
        end = attrs.get("to") or start + dt.timedelta(days=6)
        if end < start:
            raise serializers.ValidationError(
                {"to": "'to' must be on or after 'from'."}
            )
        if (end - start).days >= MAX_DAYS:
            raise serializers.ValidationError(
                {
                    "to": f"Ask for at most {MAX_DAYS} days at a time (from {start} to {start + dt.timedelta(days=MAX_DAYS - 1)})."
                }
            )
        return {"from": start, "to": end}


WINDOW = inline_serializer(
    "Window", {"starts_at": serializers.CharField(), "ends_at": serializers.CharField()}
)
AVAILABILITY = inline_serializer(
    "RoomAvailability",
    {
        "room_id": serializers.IntegerField(),
        "room": serializers.CharField(),
        "days": inline_serializer(
            "DayAvailability",
            {
                "date": serializers.DateField(),
                "closed_reason": serializers.CharField(),
                "free": WINDOW,
                "busy": WINDOW,
            },
            many=True,
        ),
    },
    many=True,
)


def _availability(site, rooms, request) -> Response:
    if not request.user.has_perm("bookings.view_availability"):
        raise PermissionDenied("Sign in to see availability.")
    data = _valid(RangeSerializer, request.query_params)
    result = site_availability(
        site=site, rooms=rooms, start=data["from"], end=data["to"]
    )
    return Response([_room_json(r) for r in result])


def _room_json(ra) -> dict:
    def window(i):
        return {"starts_at": i.start.isoformat(), "ends_at": i.end.isoformat()}

    return {
        "room_id": ra.room.pk,
        "room": ra.room.name,
        "days": [
            {
                "date": d.day.isoformat(),
                "closed_reason": d.closed_reason,
                "free": [window(i) for i in d.free],
                "busy": [window(i) for i in d.busy],
            }
            for d in ra.days
        ],
    }


AVAILABILITY_PARAMS = [
    OpenApiParameter(
        "from", dt.date, description="First day (YYYY-MM-DD); default today."
    ),
    OpenApiParameter(
        "to",
        dt.date,
        description=f"Last day, inclusive; at most {MAX_DAYS} days; default a week.",
    ),
]


class RoomAvailabilityApi(APIView):
    """Free windows of one room: opening hours minus closures minus approved slots (with buffers)."""

    @extend_schema(
        parameters=AVAILABILITY_PARAMS,
        responses={200: AVAILABILITY},
        operation_id="rooms_availability",
    )
    def get(self, request, room_id: int):
        room = (
            Room.objects.select_related("site")
            .filter(pk=room_id, is_bookable=True)
            .first()
        )
        if room is None:
            raise NotFound(f"There is no bookable room {room_id}.")
        return _availability(room.site, [room], request)


class SiteAvailabilityApi(APIView):
    """Free windows of every bookable room at a site."""

    @extend_schema(
        parameters=AVAILABILITY_PARAMS,
        responses={200: AVAILABILITY},
        operation_id="sites_availability",
    )
    def get(self, request, site_id: int):
        site = get_object_or_404(Site, pk=site_id)
        return _availability(site, list(site.rooms.filter(is_bookable=True)), request)
