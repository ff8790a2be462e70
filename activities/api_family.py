"""Family API: the signed-in family's household, its sign-ups (create,
waitlist position, cancel, decline) and link workers' referrals."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import selectors, services
from activities.api import paginate
from activities.errors import DomainError, NotFound, PermissionDenied
from activities.models import HouseholdMember, Session, SignUp
from activities.serializers import (
    HouseholdOutput,
    MemberOutput,
    ReferralOutput,
    SignUpOutput,
)


def _household(request):
    household = selectors.household_for_user(user=request.user)
    if household is None:
        raise NotFound("You have no household yet. Create one first.")
    return household


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
        return paginate(request, self, qs, ReferralOutput)

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
