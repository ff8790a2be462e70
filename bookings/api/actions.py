"""Decisions on one booking: approve, decline, cancel, move one date.

Each looks the booking up among those the caller may see (else 404); the
service checks the caller may act on it (else 403).
"""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from bookings import selectors
from bookings.api.serializers import BookingDetailOutput, booking_detail_data
from bookings.services import (
    booking_approve,
    booking_cancel,
    booking_decline,
    booking_occurrence_move,
)
from hub.api_base import ApiView, StrictInputSerializer

NOTE = {"max_length": 2000, "required": False, "allow_blank": True, "default": ""}


class BookingApproveInput(StrictInputSerializer):
    note = serializers.CharField(**NOTE, help_text="Shown to the partner.")
    except_clashes = serializers.BooleanField(
        default=False, help_text="Approve all dates but the clashing ones."
    )


class BookingDeclineInput(StrictInputSerializer):
    reason = serializers.CharField(max_length=2000, help_text="Shown to the partner.")


class BookingCancelInput(StrictInputSerializer):
    reason = serializers.CharField(
        **NOTE, help_text="Required when the school cancels; shown to the partner."
    )
    slot_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Cancel only this date."
    )
    from_date = serializers.DateField(
        required=False, allow_null=True, help_text="Cancel every date from this day."
    )


class BookingOccurrenceMoveInput(StrictInputSerializer):
    slot_id = serializers.IntegerField(
        min_value=1, help_text="The occurrence's id, from the booking's occurrences."
    )
    date = serializers.DateField(help_text="New local date.")
    start_time = serializers.TimeField(help_text="Local wall-clock time at the site.")
    end_time = serializers.TimeField(help_text="Local wall-clock time at the site.")
    reason = serializers.CharField(**NOTE)


class BookingApproveApi(ApiView):
    """Approve a pending booking (business managers of the room's site)."""

    @extend_schema(
        request=BookingApproveInput,
        responses=BookingDetailOutput,
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
        data = self.input(BookingApproveInput)
        booking = selectors.booking_for_decision(
            booking_id=booking_id, actor=request.user
        )
        booking = booking_approve(booking=booking, approved_by=request.user, **data)
        return Response(booking_detail_data(booking))


class BookingDeclineApi(ApiView):
    """Decline a pending booking, with a reason the partner sees."""

    @extend_schema(
        request=BookingDeclineInput,
        responses=BookingDetailOutput,
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
        data = self.input(BookingDeclineInput)
        booking = selectors.booking_for_decision(
            booking_id=booking_id, actor=request.user
        )
        booking = booking_decline(booking=booking, declined_by=request.user, **data)
        return Response(booking_detail_data(booking))


class BookingCancelApi(ApiView):
    """Cancel the series, one occurrence (slot_id) or every date from from_date."""

    @extend_schema(
        request=BookingCancelInput,
        responses=BookingDetailOutput,
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
        data = self.input(BookingCancelInput)
        booking = selectors.booking_get(booking_id=booking_id, actor=request.user)
        booking_cancel(booking=booking, cancelled_by=request.user, **data)
        booking = selectors.booking_get(booking_id=booking_id, actor=request.user)
        return Response(booking_detail_data(booking))


class BookingOccurrenceMoveApi(ApiView):
    """Move one future date of a booking to another local date and time."""

    @extend_schema(
        request=BookingOccurrenceMoveInput,
        responses=BookingDetailOutput,
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
        data = self.input(BookingOccurrenceMoveInput)
        booking = selectors.booking_get(booking_id=booking_id, actor=request.user)
        booking_occurrence_move(
            booking=booking,
            moved_by=request.user,
            slot_id=data["slot_id"],
            day=data["date"],
            start=data["start_time"],
            end=data["end_time"],
            reason=data["reason"],
        )
        booking = selectors.booking_get(booking_id=booking_id, actor=request.user)
        return Response(booking_detail_data(booking))
