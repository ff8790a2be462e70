"""/api/v1/invoices/: list and detail (partner: their own issued invoices;
business manager: their sites'), issue, void, record an offline payment, and
start a card payment (a Stripe PaymentIntent the caller confirms with
Stripe.js). Amounts are integer pence.

Handlers are adapters: validate input -> look the invoice up among those the
caller may see (else 404) -> call the service with `actor=` (403 if it may not
act) -> serialise.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from hub.api_base import ApiView, StrictInputSerializer, object_or_404
from hub.api_schema import paginated
from payments import invoicing, selectors, services
from payments.models import Invoice, InvoiceLine, Payment, Refund

PENCE = {"min_value": 0, "help_text": "In pence."}


def enum(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field documented by a pattern of its values rather than an
    enum component: drf-spectacular names enum components by field name, and
    "status" and "kind" here would collide with other apps' enums."""
    values = [str(value) for value, _ in choices]
    schema = {
        "type": "string",
        "pattern": f"^({'|'.join(values)})$",
        "description": f"One of: {', '.join(values)}.",
    }
    field_class = extend_schema_field(schema)(
        type("PatternChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


class InvoiceLineOutput(serializers.Serializer):
    class Meta:
        ref_name = "InvoiceLine"

    id = serializers.IntegerField()
    kind = enum(InvoiceLine.Kind.choices)
    description = serializers.CharField()
    slot_id = serializers.IntegerField(allow_null=True)
    amount_pence = serializers.IntegerField(**PENCE)


class InvoiceRefundOutput(serializers.Serializer):
    class Meta:
        ref_name = "InvoiceRefund"

    id = serializers.IntegerField()
    amount_pence = serializers.IntegerField(**PENCE)
    status = enum(Refund.Status.choices)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class InvoicePaymentOutput(serializers.Serializer):
    class Meta:
        ref_name = "InvoicePayment"

    id = serializers.IntegerField()
    method = enum(Payment.Method.choices)
    status = enum(Payment.Status.choices)
    amount_pence = serializers.IntegerField(**PENCE)
    refunded_pence = serializers.IntegerField(**PENCE)
    reference = serializers.CharField()
    received_on = serializers.DateField(allow_null=True)
    refunds = InvoiceRefundOutput(
        many=True, source="refunds.all", help_text="Newest first."
    )


class InvoiceListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = enum(Invoice.Kind.choices)
    number = serializers.CharField(allow_null=True, help_text="Null on drafts.")
    status = enum(Invoice.Status.choices)
    partner_id = serializers.IntegerField()
    partner = serializers.CharField(source="partner.name")
    site_id = serializers.IntegerField()
    site = serializers.CharField(source="site.name")
    booking_id = serializers.IntegerField(allow_null=True)
    credit_for_id = serializers.IntegerField(allow_null=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    issued_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    vat_rate_bp = serializers.IntegerField(
        min_value=0, help_text="VAT rate in basis points: 2000 is 20%."
    )
    subtotal_pence = serializers.IntegerField(**PENCE)
    vat_pence = serializers.IntegerField(**PENCE)
    total_pence = serializers.IntegerField(**PENCE)
    credited_pence = serializers.IntegerField(**PENCE)
    paid_pence = serializers.IntegerField(**PENCE)
    balance_pence = serializers.IntegerField(**PENCE)


class InvoiceDetailOutput(InvoiceListOutput):
    void_reason = serializers.CharField()
    lines = InvoiceLineOutput(many=True)
    payments = InvoicePaymentOutput(many=True)


def detail_data(invoice: Invoice) -> dict:
    invoice.refresh_from_db()
    data = InvoiceListOutput(invoice).data
    data["void_reason"] = invoice.void_reason
    data["lines"] = InvoiceLineOutput(selectors.invoice_lines(invoice), many=True).data
    data["payments"] = InvoicePaymentOutput(
        selectors.invoice_payments(invoice), many=True
    ).data
    return data


class InvoiceListQuery(StrictInputSerializer):
    site = serializers.IntegerField(required=False, min_value=1)
    partner = serializers.IntegerField(required=False, min_value=1)
    status = enum(Invoice.Status.choices, required=False)
    kind = enum(Invoice.Kind.choices, required=False)
    month = serializers.DateField(
        required=False, help_text="Any day of the month invoiced, e.g. 2026-10-01."
    )


class InvoiceListApi(ApiView):
    """Invoices and credit notes you may see: your partner's issued ones, or
    every one at the sites you manage (drafts included)."""

    omit_error_statuses = {"get": (403,)}  # everyone sees their own (maybe none)

    @extend_schema(
        parameters=[InvoiceListQuery],
        responses=paginated(InvoiceListOutput),
        operation_id="invoices_list",
    )
    def get(self, request):
        query = self.query(InvoiceListQuery)
        invoices = selectors.invoice_list(
            actor=request.user,
            site_id=query.get("site"),
            partner_id=query.get("partner"),
            status=query.get("status"),
            kind=query.get("kind"),
            month=query.get("month"),
        )
        return self.page(invoices, InvoiceListOutput)


class InvoiceDetailApi(ApiView):
    """One invoice with its lines and payments."""

    omit_error_statuses = {"get": (403,)}  # what you may not see is a 404

    @extend_schema(responses=InvoiceDetailOutput, operation_id="invoices_retrieve")
    def get(self, request, invoice_id: int):
        invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
        return Response(detail_data(invoice))


class InvoiceIssueApi(ApiView):
    """Issue a draft: it gets the next number of its trust's series, its lines
    are frozen and the partner is emailed (business managers)."""

    @extend_schema(
        request=None, responses=InvoiceDetailOutput, operation_id="invoices_issue"
    )
    def post(self, request, invoice_id: int):
        invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
        invoice = invoicing.invoice_issue(actor=request.user, invoice=invoice)
        return Response(detail_data(invoice))


class InvoiceVoidInput(StrictInputSerializer):
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for an issued invoice; the partner sees it.",
    )


class InvoiceVoidApi(ApiView):
    """Void a draft, or an issued invoice with nothing paid (it keeps its
    number: the series has no gaps)."""

    @extend_schema(
        request=InvoiceVoidInput,
        responses=InvoiceDetailOutput,
        operation_id="invoices_void",
        examples=[
            OpenApiExample(
                "Wrong partner",
                value={"reason": "Issued to the wrong organisation."},
                request_only=True,
            )
        ],
    )
    def post(self, request, invoice_id: int):
        data = self.input(InvoiceVoidInput)
        invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
        invoice = invoicing.invoice_void(
            actor=request.user, invoice=invoice, reason=data["reason"]
        )
        return Response(detail_data(invoice))


class InvoicePaymentInput(StrictInputSerializer):
    amount_pence = serializers.IntegerField(
        min_value=1, max_value=100_000_000, help_text="In pence; at most the balance."
    )
    method = enum(
        [
            (Payment.Method.BANK_TRANSFER.value, "Bank transfer"),
            (Payment.Method.CHEQUE.value, "Cheque"),
            (Payment.Method.CASH.value, "Cash"),
        ]
    )
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    received_on = serializers.DateField(
        required=False, help_text="Default today; not in the future."
    )


class InvoicePaymentRecordApi(ApiView):
    """Record money received offline (business managers of the invoice's site).
    Part payments are allowed; never more than the balance."""

    @extend_schema(
        request=InvoicePaymentInput,
        responses={201: InvoiceDetailOutput},
        operation_id="invoices_record_payment",
        examples=[
            OpenApiExample(
                "Bank transfer",
                value={
                    "amount_pence": 12000,
                    "method": "bank_transfer",
                    "reference": "FAL-INV-00042",
                    "received_on": "2026-11-27",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, invoice_id: int):
        data = self.input(InvoicePaymentInput)
        invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
        services.invoice_payment_record(actor=request.user, invoice=invoice, **data)
        return Response(detail_data(invoice), status=status.HTTP_201_CREATED)


class CardIntentInput(StrictInputSerializer):
    amount_pence = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=100_000_000,
        help_text="In pence; default the whole balance.",
    )


class CardIntentOutput(serializers.Serializer):
    payment_id = serializers.IntegerField()
    payment_intent_id = serializers.CharField()
    client_secret = serializers.CharField(
        help_text="Give it to Stripe.js confirmCardPayment()."
    )
    amount_pence = serializers.IntegerField(**PENCE)
    publishable_key = serializers.CharField()


class InvoiceCardIntentApi(ApiView):
    """Start paying by card: a Stripe PaymentIntent for the balance (or part),
    confirmed in the browser with Stripe.js. Asking again for the same amount
    returns the same intent. 409 when card payments are not set up."""

    throttle_scope = "payment"  # card attempts per account (hub.throttles)

    @extend_schema(
        request=CardIntentInput,
        responses={201: CardIntentOutput},
        operation_id="invoices_card_intent",
        examples=[
            OpenApiExample("The whole balance", value={}, request_only=True),
            OpenApiExample("Part", value={"amount_pence": 5000}, request_only=True),
        ],
    )
    def post(self, request, invoice_id: int):
        data = self.input(CardIntentInput)
        invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
        payment, intent = services.invoice_card_intent(
            actor=request.user, invoice=invoice, amount_pence=data.get("amount_pence")
        )
        body = {
            "payment_id": payment.pk,
            "payment_intent_id": intent.id,
            "client_secret": intent.client_secret,
            "amount_pence": intent.amount_pence,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class InvoiceRefundInput(StrictInputSerializer):
    amount_pence = serializers.IntegerField(
        min_value=1,
        max_value=100_000_000,
        help_text="In pence; at most the payment less what is refunded of it.",
    )
    reason = serializers.CharField(
        max_length=500, help_text="Why: the partner is told this."
    )


class InvoicePaymentRefundApi(ApiView):
    """Refund all or part of one payment of an invoice (business managers of
    the invoice's site). A card payment is refunded through Stripe (its
    refund is pending until Stripe answers); money received offline is
    recorded as returned. Never more than the payment less its refunds; the
    invoice's paid total and status follow. 409 when the payment is
    refunded in full already."""

    @extend_schema(
        request=InvoiceRefundInput,
        responses={201: InvoiceDetailOutput},
        operation_id="invoices_refund_payment",
        examples=[
            OpenApiExample(
                "Overpaid after a credit note",
                value={
                    "amount_pence": 5000,
                    "reason": "Paid before the 27 October credit note",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, invoice_id: int, payment_id: int):
        data = self.input(InvoiceRefundInput)
        invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
        payment = object_or_404(
            invoice.payments.exclude(status=Payment.Status.CANCELLED),
            what="payment",
            pk=payment_id,
        )
        services.invoice_payment_refund(actor=request.user, payment=payment, **data)
        return Response(detail_data(invoice), status=status.HTTP_201_CREATED)
