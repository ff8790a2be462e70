"""/api/v1/signups/{id}/pay/ and /api/v1/signups/{id}/refunds/: the family
starts (or resumes) the card payment for its held place, and the site's
business manager refunds all or part of what was paid. Amounts are integer
pence. Adapters over payments.signup_payments: look the sign-up up among those
whose money the caller may see (else 404), call the service with the caller
(403 if it may not act), serialise.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from hub.api_base import ApiView, StrictInputSerializer
from payments import signup_payments
from payments.models import Refund

PENCE = {"min_value": 0, "help_text": "In pence."}


class SignUpPayOutput(serializers.Serializer):
    signup_id = serializers.IntegerField()
    payment_id = serializers.IntegerField()
    payment_intent_id = serializers.CharField()
    client_secret = serializers.CharField(
        help_text="Give it to Stripe.js (confirmCardPayment) to pay."
    )
    publishable_key = serializers.CharField()
    amount_pence = serializers.IntegerField(**PENCE)
    hold_expires_at = serializers.DateTimeField(
        help_text="The place is released if it is not paid by then."
    )


class SignUpPayApi(ApiView):
    """A card PaymentIntent for the caller's held place (status
    awaiting_payment). Asking again returns the same open intent, so a retry
    never charges twice. 409 when the place is not awaiting payment, its hold
    has ended, or card payments are not set up (then it is paid on the day)."""

    throttle_scope = "signup"  # by family account (hub.throttles)

    @extend_schema(
        request=None,
        responses={201: SignUpPayOutput},
        operation_id="signups_pay",
        description="No body: the amount is the held place's price.",
    )
    def post(self, request, signup_id: int):
        signup = signup_payments.signup_for_money(
            signup_id=signup_id, user=request.user
        )
        checkout = signup_payments.signup_pay_intent(signup=signup, actor=request.user)
        body = {
            "signup_id": signup.pk,
            "payment_id": checkout.payment.pk,
            "payment_intent_id": checkout.payment.stripe_payment_intent_id,
            "client_secret": checkout.client_secret,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "amount_pence": checkout.payment.amount_pence,
            "hold_expires_at": checkout.signup.hold_expires_at,
        }
        return Response(SignUpPayOutput(body).data, status=status.HTTP_201_CREATED)


class SignUpRefundInput(StrictInputSerializer):
    amount_pence = serializers.IntegerField(
        min_value=1,
        max_value=10_000_000,
        help_text="In pence; at most what was paid less what is refunded.",
    )
    reason = serializers.CharField(max_length=500, help_text="Told to the family.")


class SignUpRefundOutput(serializers.Serializer):
    class Meta:
        ref_name = "SignUpRefund"

    id = serializers.IntegerField()
    payment_id = serializers.IntegerField()
    amount_pence = serializers.IntegerField(**PENCE)
    status = serializers.CharField(
        help_text=f"One of: {', '.join(Refund.Status.values)}."
    )
    reason = serializers.CharField()


class SignUpRefundApi(ApiView):
    """Refund all or part of what was paid for a sign-up (the site's business
    manager; discretionary, at any time). Card payments are refunded through
    Stripe (status pending until Stripe answers), money taken on the day is
    recorded as handed back. The place itself does not change."""

    @extend_schema(
        request=SignUpRefundInput,
        responses={201: SignUpRefundOutput(many=True)},
        operation_id="signups_refund",
        examples=[
            OpenApiExample(
                "Part refund",
                value={
                    "amount_pence": 300,
                    "reason": "Session on 20 October cancelled",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, signup_id: int):
        data = self.input(SignUpRefundInput)
        signup = signup_payments.signup_for_money(
            signup_id=signup_id, user=request.user
        )
        refunds = signup_payments.signup_refund(
            signup=signup, actor=request.user, **data
        )
        for refund in refunds:
            refund.refresh_from_db()  # sent to Stripe after commit
        return Response(
            SignUpRefundOutput(refunds, many=True).data, status=status.HTTP_201_CREATED
        )
