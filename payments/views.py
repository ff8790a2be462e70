"""Invoice and income pages: thin adapters over payments.selectors and the
services (through hub.views_base.submit / act). Every page here shows one
partner's money, so it is private (no-store) like every signed-in page."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hub.audit import audit_history_for
from hub.models import Site
from hub.views_base import act, submit
from payments import gateway, invoicing, selectors, services
from payments.forms import (
    BillingForm,
    IncomeFilterForm,
    RecordPaymentForm,
    RefundPaymentForm,
    VoidForm,
    to_pence,
)
from payments.models import Invoice, Payment


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


@login_required
def invoice_list(request):
    """A partner's invoices: what is due, and what is paid (managers see the
    invoices of their sites here too, and use Income for the totals)."""
    if not (
        request.user.has_perm("payments.view_own_invoices")
        or request.user.has_perm("payments.view_income")
    ):
        raise PermissionDenied
    invoices = list(selectors.invoice_list(actor=request.user)[:500])
    due = [i for i in invoices if i.is_open and not i.is_credit_note]
    others = [i for i in invoices if i not in due]
    return render(
        request,
        "payments/invoice_list.html",
        {"due": due, "others": others, "card": gateway.card_payments_enabled()},
    )


def _detail_context(request, invoice: Invoice, **extra) -> dict:
    user = request.user
    can_pay = (
        gateway.card_payments_enabled()
        and invoice.is_open
        and not invoice.is_credit_note
        and invoice.balance_pence > 0
        and user.has_perm("payments.pay_invoice", invoice)
    )
    can_record = (
        invoice.is_open
        and not invoice.is_credit_note
        and user.has_perm("payments.record_payment", invoice)
    )
    return {
        "invoice": invoice,
        "lines": selectors.invoice_lines(invoice),
        "payments": selectors.invoice_payments(invoice),
        "credit_notes": list(invoice.credit_notes.order_by("pk")),
        "billing": invoicing.billing_for(invoice.site),
        "can_pay": can_pay,
        "can_record": can_record,
        "can_issue": invoice.status == Invoice.Status.DRAFT
        and user.has_perm("payments.issue_invoice", invoice),
        "can_void": invoice.status
        in (Invoice.Status.DRAFT, Invoice.Status.ISSUED, Invoice.Status.OVERDUE)
        and not invoice.is_credit_note
        and invoice.paid_pence == 0
        and user.has_perm("payments.void_invoice", invoice),
        "stripe_key": settings.STRIPE_PUBLISHABLE_KEY if can_pay else "",
        "stripe_js": settings.STRIPE_JS_URL if can_pay else "",
        "can_refund": not invoice.is_credit_note
        and user.has_perm("payments.refund_invoice_payment", invoice),
        "history": audit_history_for(invoice)
        if user.has_perm("payments.record_payment", invoice)
        else [],
        "today": timezone.localdate(),
        **extra,
    }


@login_required
def invoice_detail(request, invoice_id: int):
    """The printable invoice; pay by card, or record an offline payment."""
    invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
    context = _detail_context(
        request,
        invoice,
        record_form=RecordPaymentForm(
            initial={"received_on": timezone.localdate()}, prefix="pay"
        ),
        void_form=VoidForm(prefix="void"),
    )
    return render(request, "payments/invoice_detail.html", context)


@login_required
@require_POST
def invoice_issue(request, invoice_id: int):
    invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
    act(
        request,
        lambda: invoicing.invoice_issue(actor=request.user, invoice=invoice),
        success="Invoice issued and emailed to the partner.",
    )
    return redirect("payments:invoice", invoice.pk)


@login_required
@require_POST
def invoice_void(request, invoice_id: int):
    invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
    form = VoidForm(request.POST, prefix="void")
    done = submit(
        form,
        lambda data: invoicing.invoice_void(
            actor=request.user, invoice=invoice, reason=data["reason"]
        ),
    )
    if done:
        return redirect("payments:invoice", invoice.pk)
    context = _detail_context(
        request,
        invoice,
        record_form=RecordPaymentForm(prefix="pay"),
        void_form=form,
    )
    return render(request, "payments/invoice_detail.html", context, status=400)


@login_required
@require_POST
def invoice_record_payment(request, invoice_id: int):
    invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
    form = RecordPaymentForm(request.POST, prefix="pay")
    done = submit(
        form,
        lambda data: services.invoice_payment_record(
            actor=request.user, invoice=invoice, **form.service_kwargs()
        ),
    )
    if done:
        return redirect("payments:invoice", invoice.pk)
    invoice.refresh_from_db()
    context = _detail_context(
        request, invoice, record_form=form, void_form=VoidForm(prefix="void")
    )
    return render(request, "payments/invoice_detail.html", context, status=400)


@login_required
def invoice_payment_refund(request, invoice_id: int, payment_id: int):
    """Refund all or part of one payment of an invoice (business manager):
    by card back through Stripe, offline recorded as returned, with a reason."""
    invoice = selectors.invoice_get(invoice_id=invoice_id, actor=request.user)
    _require(request.user, "payments.refund_invoice_payment", invoice)
    payment = get_object_or_404(
        Payment, pk=payment_id, invoice=invoice, status=Payment.Status.SUCCEEDED
    )
    form = RefundPaymentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = submit(
            form,
            lambda data: services.invoice_payment_refund(
                actor=request.user,
                payment=payment,
                amount_pence=to_pence(data["amount"]),
                reason=data["reason"],
            ),
        )
        if done:
            messages.success(
                request,
                "Refund sent to the card company. The partner has been emailed."
                if payment.method == Payment.Method.CARD
                else "Refund recorded. The partner has been emailed.",
            )
            return redirect("payments:invoice", invoice.pk)
    return render(
        request,
        "payments/payment_refund.html",
        {
            "invoice": invoice,
            "payment": payment,
            "refunds": list(payment.refunds.order_by("created_at", "pk")),
            "left_pence": services.refundable_pence(payment),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


def _income_form(request):
    sites = selectors.sites_for_income(actor=request.user)
    today = timezone.localdate()
    data = request.GET if "site" in request.GET else None
    form = IncomeFilterForm(
        data,
        sites=sites,
        initial={"site": sites.first(), "month": f"{today:%Y-%m}"},
    )
    if data is not None and form.is_valid():
        return form, form.cleaned_data["site"], form.cleaned_data["month"]
    return form, sites.first(), today.replace(day=1)


@login_required
def income(request):
    """Business managers: one site's invoiced income for a month (paid,
    unpaid, overdue) as a chart with its table, the invoices, and drafts."""
    _require(request.user, "payments.view_income")
    form, site, month = _income_form(request)
    if site is None:
        raise PermissionDenied
    _require(request.user, "payments.view_site_income", site)
    summary = selectors.income_for(site=site, month=month)
    drafts = selectors.invoice_list(
        actor=request.user, site_id=site.pk, status=Invoice.Status.DRAFT, month=month
    )
    return render(
        request,
        "payments/income.html",
        {
            "form": form,
            "site": site,
            "month": month,
            "income": summary,
            "bars": selectors.income_chart(summary),
            "drafts": list(drafts),
            "places": selectors.paid_places_for(site=site, month=month),
            "csv_url": reverse("payments:income-csv")
            + f"?site={site.pk}&month={month:%Y-%m}",
        },
    )


CSV_HEADER = [
    "number",
    "type",
    "issued_on",
    "due_on",
    "status",
    "partner",
    "site",
    "period_start",
    "period_end",
    "net_pence",
    "vat_pence",
    "total_pence",
    "credited_pence",
    "paid_pence",
    "balance_pence",
    "credit_for",
]


@login_required
def income_csv(request):
    """The month's issued invoices and credit notes for the finance system."""
    _require(request.user, "payments.view_income")
    form, site, month = _income_form(request)
    if site is None:
        raise PermissionDenied
    _require(request.user, "payments.view_site_income", site)
    rows = (
        Invoice.objects.filter(site=site, period_start=month)
        .exclude(status=Invoice.Status.DRAFT)
        .select_related("partner", "site", "credit_for")
        .order_by("kind", "number")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="invoices-{site.slug}-{month:%Y-%m}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for inv in rows:
        writer.writerow(
            [
                inv.number,
                inv.kind,
                inv.issued_on,
                inv.due_on,
                inv.status,
                _safe(inv.partner.name),
                _safe(inv.site.name),
                inv.period_start,
                inv.period_end,
                inv.subtotal_pence,
                inv.vat_pence,
                inv.total_pence,
                inv.credited_pence,
                inv.paid_pence,
                inv.balance_pence,
                inv.credit_for.number if inv.credit_for else "",
            ]
        )
    return response


def _safe(text: str) -> str:
    """No spreadsheet formula injection: a cell never starts with = + - @."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _month_action(request, service, said, nothing) -> HttpResponse:
    """Run `service(actor, site, month)` for the site and month posted from
    Income; `said(count)` is the success message, `nothing(site, month)` what
    to say when there was nothing to do (and why). Back to Income."""
    _require(request.user, "payments.view_income")
    form = IncomeFilterForm(
        request.POST, sites=selectors.sites_for_income(actor=request.user)
    )
    if not form.is_valid():
        return redirect("payments:income")
    site, month = form.cleaned_data["site"], form.cleaned_data["month"]
    done = act(request, lambda: service(actor=request.user, site=site, month=month))
    if done and done.value:
        messages.success(request, said(len(done.value)))
    elif done:
        messages.info(request, nothing(site, month))
    return redirect(reverse("payments:income") + f"?site={site.pk}&month={month:%Y-%m}")


@login_required
@require_POST
def income_build(request):
    """Build (or bring up to date) the month's drafts for one site."""
    return _month_action(
        request,
        invoicing.invoices_build_month,
        lambda n: f"{n} draft invoice{'s' if n != 1 else ''} built or updated.",
        lambda site, month: (
            f"No draft invoices to build for {site.name} in {month:%B %Y}: every "
            "approved letting with a price that month is already on an invoice, "
            "or there are none (free lettings are not invoiced)."
        ),
    )


@login_required
@require_POST
def income_issue(request):
    """Issue every draft of the month for one site (the monthly run)."""
    return _month_action(
        request,
        invoicing.invoices_issue_month,
        lambda n: (
            f"{n} invoice{'s' if n != 1 else ''} issued and emailed to the partners."
        ),
        lambda site, month: (
            f"No drafts to issue for {site.name} in {month:%B %Y}: build the "
            "month's drafts first."
        ),
    )


@login_required
def site_billing(request, site_id: int):
    """A school's invoicing settings: monthly or per booking, VAT, days to
    pay, the late-cancellation policy, how to pay (business managers)."""
    site = get_object_or_404(Site, pk=site_id)
    _require(request.user, "payments.change_billing", site)
    billing = invoicing.billing_for(site)
    form = BillingForm.for_billing(
        billing, request.POST if request.method == "POST" else None
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda data: invoicing.site_billing_update(
                actor=request.user, site=site, **form.service_kwargs()
            ),
        )
        if done:
            messages.success(request, "Invoicing settings saved.")
            return redirect(reverse("payments:income") + f"?site={site.pk}")
    return render(
        request,
        "payments/site_billing.html",
        {"form": form, "site": site},
        status=400 if form.is_bound else 200,
    )
