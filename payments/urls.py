from django.urls import path

from payments import views, views_checkout, webhooks

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
    path(
        "invoices/<int:invoice_id>/payments/<int:payment_id>/refund/",
        views.invoice_payment_refund,
        name="invoice-payment-refund",
    ),
    path("income/", views.income, name="income"),
    path("income/invoices.csv", views.income_csv, name="income-csv"),
    path("income/build/", views.income_build, name="income-build"),
    path("income/issue/", views.income_issue, name="income-issue"),
    path("sites/<int:site_id>/billing/", views.site_billing, name="site-billing"),
    # Paid activity places (payments/views_checkout.py)
    path("checkout/<int:signup_id>/", views_checkout.checkout, name="checkout"),
    path(
        "checkout/<int:signup_id>/done/",
        views_checkout.checkout_done,
        name="checkout-done",
    ),
    path(
        "sign-ups/<int:signup_id>/",
        views_checkout.signup_money,
        name="signup-money",
    ),
    path(
        "sign-ups/<int:signup_id>/record-payment/",
        views_checkout.signup_record_payment,
        name="signup-record-payment",
    ),
    path(
        "sign-ups/<int:signup_id>/refund/",
        views_checkout.signup_refund,
        name="signup-refund",
    ),
]
