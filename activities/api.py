"""Activities API (public listing and detail; partners publish, edit, cancel
and see who is coming). Thin adapters on hub.api_base.ApiView: input ->
selector/lookup -> service(actor) -> output. Errors leave through
hub.api_errors as the one error body. Households, sign-ups and referrals are
in activities.api_family.
"""

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from activities import selectors, services
from activities.models import REASON_MAX_LENGTH, Activity
from activities.serializers import (
    ActivityDetailOutput,
    ActivityListOutput,
    MemberOutput,
    SignUpOutput,
    text,
)
from hub.api_base import ApiView, StrictInputSerializer
from hub.api_schema import paginated

MAX_SLOTS = 200  # dates one request may choose; a term of daily sessions fits


class ActivityFilterInput(StrictInputSerializer):
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Words that must all appear in the title, description or "
        "partner's name.",
    )
    weekday = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=7,
        help_text="Only activities with a session on this day (1 Monday to 7 "
        "Sunday, in the school's time).",
    )
    site = serializers.SlugField(
        required=False, max_length=80, help_text="School slug."
    )
    area = serializers.CharField(required=False, max_length=100)
    category = serializers.ChoiceField(
        choices=Activity.Category.choices, required=False
    )
    child_age = serializers.IntegerField(required=False, min_value=0, max_value=18)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    free_only = serializers.BooleanField(required=False, default=False)
    this_week = serializers.BooleanField(required=False, default=False)
    places_left = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"date_to": "The end date must be on or after the start date."}
            )
        return data


class ActivityFieldsInput(StrictInputSerializer):
    """The editable fields (activities.services.publishing.EDITABLE_FIELDS),
    with the limits the service and the database enforce."""

    title = serializers.CharField(max_length=200)
    description = text(required=True)
    category = serializers.ChoiceField(choices=Activity.Category.choices)
    audience = serializers.ChoiceField(
        choices=Activity.Audience.choices, default="families"
    )
    min_age = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=120
    )
    max_age = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=120
    )
    capacity = serializers.IntegerField(
        min_value=1,
        max_value=10000,
        error_messages={"min_value": "Places must be 1 or more."},
        help_text="Places per session; at most the room's capacity.",
    )
    eligibility = serializers.ChoiceField(
        choices=Activity.Eligibility.choices, default="open"
    )
    signup_mode = serializers.ChoiceField(
        choices=Activity.SignupMode.choices, default="series"
    )
    # Years 2000-2099, as every API date-time (hub.input_limits).
    signup_opens_at = serializers.DateTimeField(required=False, allow_null=True)
    signup_closes_at = serializers.DateTimeField(required=False, allow_null=True)
    referral_places = serializers.IntegerField(
        default=0, min_value=0, help_text="At most `capacity`."
    )
    max_places_per_household = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10000
    )
    accessibility_info = text(default="")
    what_to_bring = text(default="")
    languages = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="English"
    )
    price_pence = serializers.IntegerField(
        default=0, min_value=0, max_value=100_000, help_text="In pence; 0 is free."
    )
    price_basis = serializers.ChoiceField(
        choices=Activity.PriceBasis.choices, default="child"
    )
    price_covers = serializers.ChoiceField(
        choices=Activity.PriceCovers.choices, default="series"
    )
    free_for_eligible = serializers.BooleanField(
        default=True, help_text="Free places for verified free-school-meals families."
    )
    refund_days_before = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=365,
        help_text="Full refund up to this many days before; null: no refunds.",
    )

    def validate(self, data):
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError(
                {
                    "max_age": "The oldest age must be the same as or more than the "
                    "youngest age."
                }
            )
        capacity, kept = data.get("capacity"), data.get("referral_places")
        if capacity is not None and kept is not None and kept > capacity:
            raise serializers.ValidationError(
                {
                    "referral_places": "Places kept for referrals cannot be more "
                    "than the number of places."
                }
            )
        return data


class ActivityCreateInput(ActivityFieldsInput):
    booking_id = serializers.IntegerField(min_value=1)
    slot_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        min_length=1,
        max_length=MAX_SLOTS,
        help_text="Dates of the booking to run on; all future ones if omitted.",
    )
    publish = serializers.BooleanField(default=False)


class ActivityListCreateApi(ApiView):
    permission_classes = [IsAuthenticatedOrReadOnly]  # anyone reads
    omit_error_statuses = {"post": (409,)}  # activity_create raises 400/403 only

    @extend_schema(
        parameters=[ActivityFilterInput], responses=paginated(ActivityListOutput)
    )
    def get(self, request):
        filters = selectors.ActivityFilters(**self.query(ActivityFilterInput))
        return self.page(
            selectors.activity_list_public(filters=filters), ActivityListOutput
        )

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
        fields = self.input(ActivityCreateInput)
        with selectors.as_field_error("booking_id"):
            booking = selectors.booking_for_publishing(
                booking_id=fields.pop("booking_id"), user=request.user
            )
        activity = services.activity_create(
            booking=booking, created_by=request.user, **fields
        )
        activity = selectors.activity_get(activity_id=activity.pk, user=request.user)
        return Response(
            ActivityDetailOutput(activity).data, status=status.HTTP_201_CREATED
        )


@extend_schema_serializer(component_name="ActivityUpdateInput")
class ActivityUpdateInput(ActivityFieldsInput):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="For the history."
    )


class ActivityDetailApi(ApiView):
    permission_classes = [IsAuthenticatedOrReadOnly]  # anyone reads
    omit_error_statuses = {"patch": (409,)}  # activity_update raises 400/403 only

    @extend_schema(responses=ActivityDetailOutput)
    def get(self, request, activity_id: int):
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        return Response(ActivityDetailOutput(activity).data)

    @extend_schema(request=ActivityUpdateInput, responses=ActivityDetailOutput)
    def patch(self, request, activity_id: int):
        fields = self.input(ActivityUpdateInput, partial=True)
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        services.activity_update(activity=activity, updated_by=request.user, **fields)
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        return Response(ActivityDetailOutput(activity).data)


class ActivityCancelApi(ApiView):
    @extend_schema_serializer(component_name="ActivityCancelInput")
    class InputSerializer(StrictInputSerializer):
        reason = serializers.CharField(
            max_length=REASON_MAX_LENGTH, help_text="Families see this in their email."
        )

    @extend_schema(request=InputSerializer, responses=ActivityDetailOutput)
    def post(self, request, activity_id: int):
        data = self.input(self.InputSerializer)
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        services.activity_cancel(activity=activity, cancelled_by=request.user, **data)
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        return Response(ActivityDetailOutput(activity).data)


class ActivitySignupsApi(ApiView):
    """For the partner running the activity: who is coming, with their needs."""

    @extend_schema_serializer(component_name="ActivitySignUpRow")
    class OutputSerializer(SignUpOutput):
        household = serializers.CharField(source="household.name")
        phone = serializers.CharField(source="household.phone")
        members = MemberOutput(many=True, source="members.all")

    @extend_schema(responses=paginated(OutputSerializer))
    def get(self, request, activity_id: int):
        activity = selectors.activity_get(activity_id=activity_id, user=request.user)
        rows = selectors.activity_signups_for_partner(
            activity=activity, user=request.user
        )
        return self.page(rows, self.OutputSerializer)
