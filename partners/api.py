"""Partners API: a public directory of approved partners, a full list for those
who review partners, and the business manager's decisions (approve, suspend,
reinstate).

Thin adapters on hub.api_base.ApiView over partners.selectors (what the caller
may see, else 404) and partners.services (which check permission: 403); errors
become the one JSON error body in hub.api_errors.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.response import Response

from hub.api_base import ApiView, StrictInputSerializer
from hub.api_schema import paginated
from partners import selectors, services
from partners.models import Partner
from partners.services import PARTNER_FIELDS

REVIEW_PERM = "partners.review_partners"


class PartnerQuery(StrictInputSerializer):
    status = serializers.ChoiceField(
        choices=Partner.Status.choices,
        required=False,
        help_text="Only partners with this status. People who do not review "
        "partners see approved ones and their own.",
    )
    kind = serializers.ChoiceField(choices=Partner.Kind.choices, required=False)


class PartnerOutput(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "slug", *PARTNER_FIELDS, "status"]


class PartnerReviewOutput(PartnerOutput):
    """What a reviewer sees: the public fields plus the last decision and how
    many compliance documents still need checking."""

    status_decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    document_count = serializers.IntegerField(read_only=True)
    unverified_count = serializers.IntegerField(read_only=True)

    class Meta(PartnerOutput.Meta):
        fields = PartnerOutput.Meta.fields + [
            "status_reason",
            "status_decided_by",
            "status_decided_at",
            "document_count",
            "unverified_count",
        ]


class DecisionInput(StrictInputSerializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why. Optional for approve and reinstate; the partner sees it.",
    )


class SuspendInput(StrictInputSerializer):
    reason = serializers.CharField(
        max_length=2000,
        help_text="Why the partner is suspended or turned down; the partner sees it.",
        error_messages={
            "required": "Give a reason: the partner will see it.",
            "blank": "Give a reason: the partner will see it.",
        },
    )


class _PublicPartnerShape(OpenApiSerializerExtension):
    """The public shape allows no other keys, so a reviewer's body (with the
    extra fields) matches only the second branch of the oneOf below."""

    target_class = PartnerOutput

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(
            self.target, direction, bypass_extensions=True
        )
        return {**schema, "additionalProperties": False}


# Either shape, depending on who asks; the schema says so with oneOf.
PartnerForCaller = PolymorphicProxySerializer(
    component_name="PartnerForCaller",
    serializers=[PartnerOutput, PartnerReviewOutput],
    resource_type_field_name=None,
)


def _output_for(user):
    """Reviewers get the decision fields and document counts. (Which fields to
    show, not whether to answer: the selector already chose the partners.)"""
    return PartnerReviewOutput if user.has_perm(REVIEW_PERM) else PartnerOutput


class PartnerListApi(ApiView):
    public = True

    @extend_schema(
        summary="List partners",
        description="Approved partners (and your own) for everyone; people who "
        "review partners see every partner, applications first, with their last "
        "decision.",
        parameters=[PartnerQuery],
        responses=paginated(PartnerForCaller),
    )
    def get(self, request):
        query = self.query(PartnerQuery)
        partners = selectors.partner_list_visible(actor=request.user, **query)
        return self.page(partners, _output_for(request.user))


class PartnerDetailApi(ApiView):
    public = True

    @extend_schema(summary="One partner", responses=PartnerForCaller)
    def get(self, request, partner_id: int):
        partners = selectors.partner_list_visible(actor=request.user)
        partner = self.lookup(partners, what="partner", pk=partner_id)
        return Response(_output_for(request.user)(partner).data)


class _DecisionApi(ApiView):
    """POST a decision on one partner: 404 for a partner the caller may not
    see, 403 from the service unless they may decide, 409 when the partner's
    status does not allow it."""

    input_class = DecisionInput
    service = None

    def post(self, request, partner_id: int):
        partners = selectors.partner_list_visible(actor=request.user)
        partner = self.lookup(partners, what="partner", pk=partner_id)
        data = self.input(self.input_class)
        type(self).service(partner=partner, decided_by=request.user, **data)
        fresh = selectors.partner_list_for_review().select_related("status_decided_by")
        return Response(PartnerReviewOutput(fresh.get(pk=partner.pk)).data)


class PartnerApproveApi(_DecisionApi):
    service = services.partner_approve

    @extend_schema(
        summary="Approve an application",
        request=DecisionInput,
        responses=PartnerReviewOutput,
        examples=[
            OpenApiExample(
                "Approve",
                value={"reason": "Insurance and safeguarding policy checked."},
                request_only=True,
            )
        ],
    )
    def post(self, request, partner_id: int):
        return super().post(request, partner_id)


class PartnerSuspendApi(_DecisionApi):
    input_class = SuspendInput
    service = services.partner_suspend

    @extend_schema(
        summary="Suspend a partner or turn down an application",
        request=SuspendInput,
        responses=PartnerReviewOutput,
        examples=[
            OpenApiExample(
                "Suspend",
                value={
                    "reason": "Public liability insurance expired on 1 March; "
                    "upload the renewed certificate to be reinstated."
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, partner_id: int):
        return super().post(request, partner_id)


class PartnerReinstateApi(_DecisionApi):
    service = services.partner_reinstate

    @extend_schema(
        summary="Reinstate a suspended partner",
        request=DecisionInput,
        responses=PartnerReviewOutput,
    )
    def post(self, request, partner_id: int):
        return super().post(request, partner_id)
