"""Activities API (public listing and detail; partners publish, edit, cancel
and see who is coming). Thin adapters over activities.services and selectors;
domain errors become 400/403/404/409 in hub.api_errors (one handler).
Households, sign-ups and referrals are in activities.api_family.
"""

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from activities import selectors, services
from activities.errors import NotFound
from activities.models import Activity
from activities.serializers import (
    ActivityDetailOutput,
    ActivityListOutput,
    MemberOutput,
    SignUpOutput,
)
from bookings.models import Booking


def paginate(request, view, queryset, serializer):
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class ActivityFilterInput(serializers.Serializer):
    site = serializers.CharField(required=False, help_text="School slug.")
    area = serializers.CharField(required=False)
    category = serializers.ChoiceField(
        choices=Activity.Category.choices, required=False
    )
    child_age = serializers.IntegerField(required=False, min_value=0, max_value=18)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    free_only = serializers.BooleanField(required=False, default=False)
    this_week = serializers.BooleanField(required=False, default=False)
    places_left = serializers.BooleanField(required=False, default=False)


class ActivityCreateInput(serializers.Serializer):
    booking_id = serializers.IntegerField()
    slot_ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Dates of the booking to run on; all future ones if omitted.",
    )
    publish = serializers.BooleanField(default=False)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    category = serializers.ChoiceField(choices=Activity.Category.choices)
    audience = serializers.ChoiceField(
        choices=Activity.Audience.choices, default="families"
    )
    min_age = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    max_age = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    capacity = serializers.IntegerField(min_value=1)
    eligibility = serializers.ChoiceField(
        choices=Activity.Eligibility.choices, default="open"
    )
    signup_mode = serializers.ChoiceField(
        choices=Activity.SignupMode.choices, default="series"
    )
    signup_opens_at = serializers.DateTimeField(required=False, allow_null=True)
    signup_closes_at = serializers.DateTimeField(required=False, allow_null=True)
    referral_places = serializers.IntegerField(default=0, min_value=0)
    max_places_per_household = serializers.IntegerField(
        required=False, allow_null=True, min_value=1
    )
    accessibility_info = serializers.CharField(
        required=False, allow_blank=True, default=""
    )
    what_to_bring = serializers.CharField(required=False, allow_blank=True, default="")
    languages = serializers.CharField(
        required=False, allow_blank=True, default="English"
    )


class ActivityListCreateApi(APIView):
    def get_permissions(self):
        return (
            [AllowAny()] if self.request.method == "GET" else super().get_permissions()
        )

    @extend_schema(
        parameters=[ActivityFilterInput], responses=ActivityListOutput(many=True)
    )
    def get(self, request):
        params = ActivityFilterInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = selectors.ActivityFilters(**params.validated_data)
        qs = selectors.activity_list_public(filters=filters)
        return paginate(request, self, qs, ActivityListOutput)

    @extend_schema(
        request=ActivityCreateInput,
        responses={201: ActivityDetailOutput},
        examples=[
            OpenApiExample(
                "Free family cooking, whole series",
                value={
                    "booking_id": 12,
                    "publish": True,
                    "title": "Cook and eat together",
                    "description": "Cook a simple meal with your children and eat it together.",
                    "category": "cooking",
                    "audience": "families",
                    "min_age": 5,
                    "max_age": 11,
                    "capacity": 16,
                    "referral_places": 4,
                    "max_places_per_household": 4,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = ActivityCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        booking = (
            Booking.objects.select_related("room", "partner")
            .filter(pk=fields.pop("booking_id"))
            .first()
        )
        if booking is None:
            raise NotFound("There is no such booking.", field="booking_id")
        activity = services.activity_create(
            booking=booking, created_by=request.user, **fields
        )
        activity = selectors.activity_get(activity_id=activity.pk, user=request.user)
        return Response(
            ActivityDetailOutput(activity).data, status=status.HTTP_201_CREATED
        )


class ActivityUpdateInput(ActivityCreateInput):
    booking_id = None
    slot_ids = None
    publish = None


class ActivityDetailApi(APIView):
    def get_permissions(self):
        return (
            [AllowAny()] if self.request.method == "GET" else super().get_permissions()
        )

    @extend_schema(responses=ActivityDetailOutput)
    def get(self, request, activity_id: int):
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        return Response(ActivityDetailOutput(activity).data)

    @extend_schema(request=ActivityUpdateInput, responses=ActivityDetailOutput)
    def patch(self, request, activity_id: int):
        data = ActivityUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        services.activity_update(
            activity=activity, updated_by=request.user, **data.validated_data
        )
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        return Response(ActivityDetailOutput(activity).data)


class ActivityCancelApi(APIView):
    @extend_schema_serializer(component_name="ActivityCancelInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=ActivityDetailOutput)
    def post(self, request, activity_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        services.activity_cancel(
            activity=activity, cancelled_by=request.user, **data.validated_data
        )
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        return Response(ActivityDetailOutput(activity).data)


class ActivitySignupsApi(APIView):
    """For the partner running the activity: who is coming, with their needs."""

    @extend_schema_serializer(component_name="ActivitySignUpRow")
    class OutputSerializer(SignUpOutput):
        household = serializers.CharField(source="household.name")
        phone = serializers.CharField(source="household.phone")
        members = MemberOutput(many=True, source="members.all")

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request, activity_id: int):
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        rows = selectors.activity_signups_for_partner(
            activity=activity, user=request.user
        )
        return Response(self.OutputSerializer(rows, many=True).data)
