from django.urls import path

from payments import api, api_signups

app_name = "payments-api"
urlpatterns = [
    path("invoices/", api.InvoiceListApi.as_view(), name="invoice-list"),
    path(
        "invoices/<int:invoice_id>/",
        api.InvoiceDetailApi.as_view(),
        name="invoice-detail",
    ),
    path(
        "invoices/<int:invoice_id>/issue/",
        api.InvoiceIssueApi.as_view(),
        name="invoice-issue",
    ),
    path(
        "invoices/<int:invoice_id>/void/",
        api.InvoiceVoidApi.as_view(),
        name="invoice-void",
    ),
    path(
        "invoices/<int:invoice_id>/payments/",
        api.InvoicePaymentRecordApi.as_view(),
        name="invoice-record-payment",
    ),
    path(
        "invoices/<int:invoice_id>/payments/<int:payment_id>/refunds/",
        api.InvoicePaymentRefundApi.as_view(),
        name="invoice-payment-refund",
    ),
    path(
        "invoices/<int:invoice_id>/card-intent/",
        api.InvoiceCardIntentApi.as_view(),
        name="invoice-card-intent",
    ),
    path(
        "signups/<int:signup_id>/pay/",
        api_signups.SignUpPayApi.as_view(),
        name="signup-pay",
    ),
    path(
        "signups/<int:signup_id>/refunds/",
        api_signups.SignUpRefundApi.as_view(),
        name="signup-refunds",
    ),
]
