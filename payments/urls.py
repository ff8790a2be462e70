from django.urls import path

from payments import views, webhooks

app_name = "payments"
urlpatterns = [
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:invoice_id>/issue/", views.invoice_issue, name="invoice-issue"),
    path("invoices/<int:invoice_id>/void/", views.invoice_void, name="invoice-void"),
    path(
        "invoices/<int:invoice_id>/record-payment/",
        views.invoice_record_payment,
        name="invoice-record-payment",
    ),
    path("income/", views.income, name="income"),
    path("income/invoices.csv", views.income_csv, name="income-csv"),
    path("income/build/", views.income_build, name="income-build"),
]
