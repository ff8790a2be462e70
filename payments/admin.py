"""Admin: each site's billing settings are edited here (audited); invoices,
payments, refunds and Stripe events are read-only, because money changes only
through the services (pages, API, commands, webhooks)."""

from django.contrib import admin

from hub.admin_base import AuditedModelAdmin
from payments.models import (
    Invoice,
    InvoiceLine,
    Payment,
    Refund,
    SiteBilling,
    StripeEvent,
)


@admin.register(SiteBilling)
class SiteBillingAdmin(AuditedModelAdmin):
    list_display = [
        "site",
        "frequency",
        "vat_rate_bp",
        "payment_terms_days",
        "cancellation_window_hours",
        "cancellation_charge_percent",
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ["kind", "description", "amount_pence"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "kind",
        "partner",
        "site",
        "period_start",
        "status",
        "total_pence",
    ]
    list_filter = ["status", "kind", "site"]
    search_fields = ["number", "partner__name"]
    list_select_related = ["partner", "site"]
    inlines = [LineInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "method",
        "status",
        "amount_pence",
        "refunded_pence",
        "invoice",
        "signup_id",
    ]
    list_filter = ["method", "status"]
    search_fields = ["stripe_payment_intent_id", "reference"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["pk", "payment", "amount_pence", "status", "stripe_refund_id"]
    list_filter = ["status"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "type", "received_at", "processed_at", "outcome"]
    list_filter = ["type"]
    search_fields = ["id", "payment_intent_id"]
