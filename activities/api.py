"""Activities API: thin adapters over activities.services and selectors.

Domain errors become 400/403/404/409 in hub.api_errors (one handler).
"""

from django.shortcuts import get_object_or_404
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
from activities.errors import DomainError, NotFound, PermissionDenied
from activities.models import Activity, HouseholdMember, Session, SignUp
from activities.serializers import (
    ActivityDetailOutput,
    ActivityListOutput,
    HouseholdOutput,
    MemberOutput,
    ReferralOutput,
    SignUpOutput,
)
from bookings.models import Booking


def _paginate(request, view, queryset, serializer):
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _household(request):
    household = selectors.household_for_user(user=request.user)
    if household is None:
        raise NotFound("You have no household yet. Create one first.")
    return household


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
        return _paginate(request, self, qs, ActivityListOutput)

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


class MemberInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HouseholdMember.Kind.choices)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    relationship = serializers.CharField(
        max_length=60, required=False, allow_blank=True
    )
    medical_notes = serializers.CharField(required=False, allow_blank=True)
    send_notes = serializers.CharField(required=False, allow_blank=True)


class HouseholdInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    postcode = serializers.CharField(max_length=8, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    languages = serializers.CharField(max_length=200, required=False, allow_blank=True)
    consent_contact = serializers.BooleanField(required=False)
    consent_photos = serializers.BooleanField(required=False)
    fsm_claimed = serializers.BooleanField(required=False)


class HouseholdMineApi(APIView):
    @extend_schema_serializer(component_name="HouseholdCreateInput")
    class CreateInput(HouseholdInput):
        members = MemberInput(many=True, required=False)

    @extend_schema(responses=HouseholdOutput)
    def get(self, request):
        return Response(HouseholdOutput(_household(request)).data)

    @extend_schema(
        request=CreateInput,
        responses={201: HouseholdOutput},
        examples=[
            OpenApiExample(
                "A mother and two children",
                value={
                    "name": "The Khan family",
                    "postcode": "LS11 8ND",
                    "phone": "07700 900123",
                    "consent_contact": True,
                    "members": [
                        {
                            "kind": "carer",
                            "first_name": "Aisha",
                            "relationship": "mother",
                        },
                        {
                            "kind": "child",
                            "first_name": "Sami",
                            "date_of_birth": "2017-04-02",
                            "relationship": "son",
                            "medical_notes": "Nut allergy",
                        },
                    ],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = self.CreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        household = services.household_create(user=request.user, **data.validated_data)
        return Response(HouseholdOutput(household).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HouseholdInput, responses=HouseholdOutput)
    def patch(self, request):
        data = HouseholdInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        household = services.household_update(
            household=_household(request),
            updated_by=request.user,
            **data.validated_data,
        )
        return Response(HouseholdOutput(household).data)


class HouseholdMemberCreateApi(APIView):
    @extend_schema(
        request=MemberInput,
        responses={201: MemberOutput},
        examples=[
            OpenApiExample(
                "A child",
                request_only=True,
                value={
                    "kind": "child",
                    "first_name": "Maya",
                    "date_of_birth": "2019-09-12",
                    "relationship": "daughter",
                    "send_notes": "Uses a hearing aid",
                },
            )
        ],
    )
    def post(self, request):
        data = MemberInput(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.member_add(
            household=_household(request), added_by=request.user, **data.validated_data
        )
        return Response(MemberOutput(member).data, status=status.HTTP_201_CREATED)


class HouseholdExportApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(selectors.household_export(household=_household(request)))


class SignUpListCreateApi(APIView):
    @extend_schema_serializer(component_name="SignUpCreateInput")
    class InputSerializer(serializers.Serializer):
        activity_id = serializers.IntegerField()
        session_id = serializers.IntegerField(required=False, allow_null=True)
        member_ids = serializers.ListField(
            child=serializers.IntegerField(), allow_empty=False
        )

    @extend_schema_serializer(component_name="SignUpCreated")
    class CreatedOutput(SignUpOutput):
        message = serializers.CharField()

    @extend_schema(responses=SignUpOutput(many=True))
    def get(self, request):
        signups = selectors.household_signups(household=_household(request))
        return Response(SignUpOutput(signups, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: CreatedOutput},
        examples=[
            OpenApiExample(
                "Mother and two children to a series",
                request_only=True,
                value={"activity_id": 7, "member_ids": [31, 32, 33]},
            ),
            OpenApiExample(
                "Full: on the waitlist",
                response_only=True,
                status_codes=["201"],
                value={
                    "id": 90,
                    "activity_id": 7,
                    "activity": "Cook and eat",
                    "session_id": None,
                    "status": "waitlisted",
                    "places": 3,
                    "member_ids": [31, 32, 33],
                    "waitlist_position": 4,
                    "referred": False,
                    "message": "This activity is full: you are number 4 on the waitlist.",
                },
            ),
        ],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        household = _household(request)
        activity = selectors.activity_get(
            activity_id=data.validated_data["activity_id"], user=request.user
        )
        session = self._session(activity, data.validated_data.get("session_id"))
        members = self._members(data.validated_data["member_ids"])
        result = services.signup_create(
            household=household,
            activity=activity,
            members=members,
            session=session,
            created_by=request.user,
        )
        body = SignUpOutput(result.signup).data | {"message": result.message}
        return Response(body, status=status.HTTP_201_CREATED)

    @staticmethod
    def _session(activity, session_id):
        if session_id is None:
            return None
        session = Session.objects.filter(pk=session_id, activity=activity).first()
        if session is None:
            raise NotFound(
                "That session is not part of this activity.", field="session_id"
            )
        return session

    @staticmethod
    def _members(ids):
        members = list(HouseholdMember.objects.filter(pk__in=ids))
        if len(members) != len(set(ids)):
            raise DomainError("Some of those people do not exist.", field="member_ids")
        return members


def _own_signup(request, signup_id: int) -> SignUp:
    signup = get_object_or_404(
        SignUp.objects.select_related("household", "activity"), pk=signup_id
    )
    if not request.user.has_perm("activities.cancel_signup", signup):
        raise PermissionDenied("This is not your household's sign-up.")
    return signup


class SignUpDetailApi(APIView):
    @extend_schema(responses=SignUpOutput)
    def get(self, request, signup_id: int):
        return Response(SignUpOutput(_own_signup(request, signup_id)).data)


class SignUpCancelApi(APIView):
    @extend_schema(request=None, responses=SignUpOutput)
    def post(self, request, signup_id: int):
        signup = services.signup_cancel(
            signup=_own_signup(request, signup_id), cancelled_by=request.user
        )
        return Response(SignUpOutput(signup).data)


class SignUpDeclineApi(APIView):
    @extend_schema(request=None, responses=SignUpOutput)
    def post(self, request, signup_id: int):
        signup = services.signup_decline(
            signup=_own_signup(request, signup_id), declined_by=request.user
        )
        return Response(SignUpOutput(signup).data)


class ReferralListCreateApi(APIView):
    @extend_schema_serializer(component_name="ReferralCreateInput")
    class InputSerializer(serializers.Serializer):
        household_reference = serializers.CharField(max_length=8)
        activity_id = serializers.IntegerField()
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(responses=ReferralOutput(many=True))
    def get(self, request):
        if not request.user.has_perm("activities.refer_household"):
            raise PermissionDenied("Only link workers have referrals.")
        qs = selectors.referral_list_for_link_worker(user=request.user)
        return _paginate(request, self, qs, ReferralOutput)

    @extend_schema(
        request=InputSerializer,
        responses={201: ReferralOutput},
        examples=[
            OpenApiExample(
                "Refer a family",
                request_only=True,
                value={
                    "household_reference": "K7PQ2XRA",
                    "activity_id": 7,
                    "note": "Mum would like support with cooking on a budget.",
                },
            )
        ],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = selectors.activity_get(
            activity_id=data.validated_data.pop("activity_id"), user=request.user
        )
        referral = services.referral_create(
            referred_by=request.user, activity=activity, **data.validated_data
        )
        return Response(ReferralOutput(referral).data, status=status.HTTP_201_CREATED)
