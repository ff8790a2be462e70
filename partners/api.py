"""Partners API: a public directory of approved partners, a full list for those
who review partners, and the business manager's decisions (approve, suspend,
reinstate).

Thin adapters over partners.selectors and partners.services; errors become the
one JSON error body in hub.api_errors.
"""

import django_filters
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.response import Response

from hub.api_base import (
    HubApiView,
    PublicApiView,
    StrictInputSerializer,
    check_perm,
    filter_queryset,
    object_or_404,
    paginate,
)
from partners import selectors, services
from partners.models import Partner

REVIEW_PERM = "partners.review_partners"
DECIDE_PERM = "partners.decide_partner"


class PartnerFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Partner.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Partner.Kind.choices)

    class Meta:
        model = Partner
        fields = ["status", "kind"]


class PartnerOutput(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "registration_number",
            "description",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
            "status",
        ]


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


def _visible_partners(user):
    """Everything for reviewers (with document counts), approved ones otherwise."""
    if user.has_perm(REVIEW_PERM):
        return (
            selectors.partner_list_for_review().select_related("status_decided_by"),
            PartnerReviewOutput,
        )
    return selectors.partner_list_public(), PartnerOutput


class PartnerListApi(PublicApiView):
    @extend_schema(
        summary="List partners",
        description="Approved partners for everyone; people who review partners "
        "see every partner, applications first, with their last decision.",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=Partner.Status.values,
                description="Only partners with this status. People who do not "
                "review partners only ever see approved ones.",
            ),
            OpenApiParameter("kind", str, enum=Partner.Kind.values),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=PartnerReviewOutput(many=True),
    )
    def get(self, request):
        partners, output = _visible_partners(request.user)
        partners = filter_queryset(
            filterset_class=PartnerFilter, request=request, queryset=partners
        )
        return paginate(
            request=request, view=self, queryset=partners, serializer_class=output
        )


class PartnerDetailApi(PublicApiView):
    @extend_schema(summary="One partner", responses=PartnerReviewOutput)
    def get(self, request, partner_id: int):
        partners, output = _visible_partners(request.user)
        partner = object_or_404(partners, what="partner", pk=partner_id)
        return Response(output(partner).data)


class _DecisionApi(HubApiView):
    """POST a decision on one partner. Only business managers (403 otherwise,
    before looking the partner up); 409 when the partner's status does not allow it."""

    input_class = DecisionInput
    service = None

    def post(self, request, partner_id: int):
        check_perm(request.user, DECIDE_PERM)
        partner = object_or_404(Partner.objects.all(), what="partner", pk=partner_id)
        serializer = self.input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        type(self).service(
            partner=partner, decided_by=request.user, **serializer.validated_data
        )
        fresh = selectors.partner_list_for_review().select_related("status_decided_by")
        return Response(PartnerReviewOutput(fresh.get(pk=partner.pk)).data)


_ERRORS = {
    400: None,
    403: None,
    404: None,
    409: None,
}


class PartnerApproveApi(_DecisionApi):
    service = services.partner_approve

    @extend_schema(
        summary="Approve an application",
        request=DecisionInput,
        responses={200: PartnerReviewOutput, **_ERRORS},
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
        responses={200: PartnerReviewOutput, **_ERRORS},
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
        responses={200: PartnerReviewOutput, **_ERRORS},
    )
    def post(self, request, partner_id: int):
        return super().post(request, partner_id)
