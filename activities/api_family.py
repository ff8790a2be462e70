"""Family API: the signed-in family's household, its sign-ups (create,
waitlist position, cancel, decline) and link workers' referrals. Thin adapters
on hub.api_base.ApiView; objects come from selectors of what the caller may
see (404 otherwise) and the services check who may act (403)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from activities import selectors, services
from activities.errors import NotFound
from activities.models import (
    REASON_MAX_LENGTH,
    AuthorisedCollector,
    Household,
    HouseholdMember,
    Session,
    SignUp,
)
from activities.serializers import (
    CollectorOutput,
    HouseholdOutput,
    MemberOutput,
    ReferralOutput,
    SignUpOutput,
    text,
)
from activities.services.collectors import (
    COLLECTOR_FIELDS,
    MAX_COLLECTORS,
    collector_get_own,
)
from activities.services.households import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from hub.api_base import ApiView, StrictInputSerializer
from hub.api_schema import paginated

MAX_MEMBERS = 20  # people in one household, or in one sign-up


def _household(request):
    household = selectors.household_for_user(user=request.user)
    if household is None:
        raise NotFound("You have no household yet. Create one first.")
    return household


class _ModelInput(serializers.ModelSerializer, StrictInputSerializer):
    """Fields, lengths and choices from the model, for the field list the
    service owns; unknown fields refused (StrictInputSerializer)."""


@extend_schema_serializer(component_name="MemberInput")
class MemberInput(_ModelInput):
    class Meta:
        model = HouseholdMember
        fields = MEMBER_FIELDS


@extend_schema_serializer(component_name="HouseholdInput")
class HouseholdInput(_ModelInput):
    class Meta:
        model = Household
        fields = HOUSEHOLD_FIELDS


@extend_schema_serializer(component_name="CollectorInput")
class CollectorInput(_ModelInput):
    class Meta:
        model = AuthorisedCollector
        fields = COLLECTOR_FIELDS
        extra_kwargs = {
            name: {"required": True, "allow_blank": False}
            for name in ("relationship", "phone")
        }


class HouseholdMineApi(ApiView):
    # 404: no household yet. The household is always the caller's own (no 403).
    extra_error_statuses = {"get": (404,), "patch": (404,)}
    omit_error_statuses = {"get": (403,), "post": (403,), "patch": (403, 409)}

    @extend_schema_serializer(component_name="HouseholdCreateInput")
    class CreateInput(HouseholdInput):
        members = MemberInput(many=True, required=False, max_length=MAX_MEMBERS)
        collectors = CollectorInput(
            many=True, required=False, max_length=MAX_COLLECTORS
        )

        class Meta(HouseholdInput.Meta):
            fields = (*HOUSEHOLD_FIELDS, "members", "collectors")

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
        data = self.input(self.CreateInput)
        household = services.household_create(user=request.user, **data)
        return Response(HouseholdOutput(household).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HouseholdInput, responses=HouseholdOutput)
    def patch(self, request):
        data = self.input(HouseholdInput, partial=True)
        household = services.household_update(
            household=_household(request), updated_by=request.user, **data
        )
        return Response(HouseholdOutput(household).data)


class HouseholdMemberCreateApi(ApiView):
    extra_error_statuses = (404,)  # no household yet
    omit_error_statuses = (403, 409)  # the caller's own household; nothing clashes

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
        data = self.input(MemberInput)
        member = services.member_add(
            household=_household(request), added_by=request.user, **data
        )
        return Response(MemberOutput(member).data, status=status.HTTP_201_CREATED)


class HouseholdExportApi(ApiView):
    extra_error_statuses = (404,)  # no household yet
    omit_error_statuses = (403,)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(selectors.household_export(household=_household(request)))


class SignUpListCreateApi(ApiView):
    throttle_scope = "signup"  # by family account (hub.throttles)
    extra_error_statuses = (404,)  # no household yet
    omit_error_statuses = {"get": (403,)}

    @extend_schema_serializer(component_name="SignUpCreateInput")
    class InputSerializer(StrictInputSerializer):
        activity_id = serializers.IntegerField(min_value=1)
        session_id = serializers.IntegerField(
            required=False,
            allow_null=True,
            min_value=1,
            help_text="Required for activities signed up to by single session.",
        )
        member_ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1),
            min_length=1,
            max_length=MAX_MEMBERS,
            help_text="People of your household who are coming (each once).",
        )

    @extend_schema_serializer(component_name="SignUpCreated")
    class CreatedOutput(SignUpOutput):
        message = serializers.CharField()

    @extend_schema(responses=paginated(SignUpOutput))
    def get(self, request):
        signups = selectors.household_signups(household=_household(request))
        return self.page(signups, SignUpOutput)

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
        data = self.input(self.InputSerializer)
        found = selectors.household_members_for(
            user=request.user, ids=data["member_ids"]
        )
        household = found[0] if found else _household(request)
        with selectors.as_field_error("activity_id"):
            activity = selectors.activity_for_signup(
                activity_id=data["activity_id"], user=request.user, household=household
            )
        result = services.signup_create(
            household=household,
            activity=activity,
            members=found[1]
            if found
            else selectors.members_of(household=household, ids=data["member_ids"]),
            session=selectors.session_of(
                activity=activity, session_id=data.get("session_id")
            ),
            created_by=request.user,
        )
        body = SignUpOutput(result.signup).data | {"message": result.message}
        return Response(body, status=status.HTTP_201_CREATED)


class SignUpDetailApi(ApiView):
    omit_error_statuses = (403,)  # whoever sees it may read it; others get 404

    @extend_schema(responses=SignUpOutput)
    def get(self, request, signup_id: int):
        signup = selectors.signup_get(signup_id=signup_id, user=request.user)
        return Response(SignUpOutput(signup).data)


class SignUpCancelApi(ApiView):
    """Cancel a sign-up; the decline endpoint is the same view with
    kind=declined (one service, activities.services.signup_cancel)."""

    kind = SignUp.Status.CANCELLED

    @extend_schema_serializer(component_name="SignUpCancelInput")
    class InputSerializer(StrictInputSerializer):
        reason = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=2000
        )

    @extend_schema(request=InputSerializer, responses=SignUpOutput)
    def post(self, request, signup_id: int):
        data = self.input(self.InputSerializer)
        signup = selectors.signup_get(signup_id=signup_id, user=request.user)
        signup = services.signup_cancel(
            signup=signup, cancelled_by=request.user, kind=self.kind, **data
        )
        return Response(SignUpOutput(signup).data)


class SignUpDeclineApi(SignUpCancelApi):
    kind = SignUp.Status.DECLINED


def _signup_date(request, signup_id: int, session_id: int) -> tuple[SignUp, Session]:
    """The caller's sign-up (404 if not theirs to see) and one date of its
    activity (404 otherwise)."""
    signup = selectors.signup_get(signup_id=signup_id, user=request.user)
    session = Session.objects.filter(
        pk=session_id, activity_id=signup.activity_id
    ).first()
    if session is None:
        raise NotFound(
            f"No date of this activity has id {session_id}. Check the session id."
        )
    return signup, session


def _signup_out(signup: SignUp) -> dict:
    fresh = (
        SignUp.objects.select_related("activity")
        .prefetch_related("members", "cancelled_dates")
        .get(pk=signup.pk)
    )
    return SignUpOutput(fresh).data


class _ReasonInput(StrictInputSerializer):
    """An optional reason the organiser sees: one person or one date of a
    sign-up no longer coming."""

    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=REASON_MAX_LENGTH,
        help_text="Why (optional): the organiser sees it.",
    )


class SignUpDateCancelApi(ApiView):
    """Not coming on one date of a whole-series place; the place on the other
    dates stays (activities.services.signup_cancel_date)."""

    @extend_schema_serializer(component_name="SignUpDateCancelInput")
    class InputSerializer(_ReasonInput):
        pass

    @extend_schema(
        request=InputSerializer,
        responses=SignUpOutput,
        examples=[
            OpenApiExample(
                "Away that week",
                request_only=True,
                value={"reason": "Visiting grandparents"},
            )
        ],
    )
    def post(self, request, signup_id: int, session_id: int):
        data = self.input(self.InputSerializer)
        signup, session = _signup_date(request, signup_id, session_id)
        services.signup_cancel_date(
            signup=signup, session=session, cancelled_by=request.user, **data
        )
        return Response(_signup_out(signup))


class SignUpDateRestoreApi(ApiView):
    """Coming on a date after all (undoes the cancellation of that date while
    it is still to come)."""

    @extend_schema(
        request=None,
        responses=SignUpOutput,
        description="No body: the date is in the address.",
    )
    def post(self, request, signup_id: int, session_id: int):
        signup, session = _signup_date(request, signup_id, session_id)
        services.signup_restore_date(
            signup=signup, session=session, restored_by=request.user
        )
        return Response(_signup_out(signup))


class SignUpMemberRemoveApi(ApiView):
    """One person of a sign-up is no longer coming; the others keep their
    places (activities.services.signup_remove_member: one place fewer, the
    waitlist promoted, a paid place's share refunded per the policy). Removing
    the last person cancels the whole sign-up."""

    @extend_schema_serializer(component_name="SignUpMemberRemoveInput")
    class InputSerializer(_ReasonInput):
        pass

    @extend_schema(
        request=InputSerializer,
        responses=SignUpOutput,
        examples=[
            OpenApiExample(
                "Ill that week",
                request_only=True,
                value={"reason": "Sam has broken an arm"},
            )
        ],
    )
    def post(self, request, signup_id: int, member_id: int):
        data = self.input(self.InputSerializer)
        signup = selectors.signup_get(signup_id=signup_id, user=request.user)
        member = signup.members.filter(pk=member_id).first()
        if member is None:
            raise NotFound(
                f"No one in this sign-up has id {member_id}. Check the member id."
            )
        signup = services.signup_remove_member(
            signup=signup, member=member, cancelled_by=request.user, **data
        )
        return Response(_signup_out(signup))


COLLECTOR_EXAMPLE = {
    "name": "Rita Khan",
    "relationship": "grandmother",
    "phone": "07700 900456",
    "password": "bluebell",
}


class CollectorListCreateApi(ApiView):
    """The adults who may collect the family's children."""

    extra_error_statuses = (404,)  # no household yet
    omit_error_statuses = {"get": (403,), "post": (403, 409)}

    @extend_schema(responses=paginated(CollectorOutput))
    def get(self, request):
        return self.page(list(_household(request).collectors.all()), CollectorOutput)

    @extend_schema(
        request=CollectorInput,
        responses={201: CollectorOutput},
        examples=[
            OpenApiExample("A grandmother", request_only=True, value=COLLECTOR_EXAMPLE)
        ],
    )
    def post(self, request):
        data = self.input(CollectorInput)
        collector = services.collector_add(
            household=_household(request), added_by=request.user, **data
        )
        return Response(CollectorOutput(collector).data, status=status.HTTP_201_CREATED)


class CollectorDetailApi(ApiView):
    # Someone else's collector is a 404; the caller's own is always theirs.
    omit_error_statuses = (403, 409)

    @extend_schema(request=CollectorInput, responses=CollectorOutput)
    def patch(self, request, collector_id: int):
        data = self.input(CollectorInput, partial=True)
        collector = services.collector_update(
            collector=collector_get_own(collector_id=collector_id, user=request.user),
            updated_by=request.user,
            **data,
        )
        return Response(CollectorOutput(collector).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, collector_id: int):
        services.collector_remove(
            collector=collector_get_own(collector_id=collector_id, user=request.user),
            removed_by=request.user,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReferralListCreateApi(ApiView):
    throttle_scope = "referral"  # by link worker account (hub.throttles)

    @extend_schema_serializer(component_name="ReferralCreateInput")
    class InputSerializer(StrictInputSerializer):
        household_reference = serializers.CharField(
            max_length=8, help_text="On the family's 'Your family' page."
        )
        activity_id = serializers.IntegerField(min_value=1)
        note = text(default="")

    @extend_schema(responses=paginated(ReferralOutput))
    def get(self, request):
        referrals = selectors.referral_list_for_link_worker(user=request.user)
        return self.page(referrals, ReferralOutput)

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
        data = self.input(self.InputSerializer)
        with selectors.as_field_error("activity_id"):
            activity = selectors.activity_get(
                activity_id=data.pop("activity_id"), user=request.user
            )
        referral = services.referral_create(
            referred_by=request.user, activity=activity, **data
        )
        return Response(ReferralOutput(referral).data, status=status.HTTP_201_CREATED)
