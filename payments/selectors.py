"""Reads for invoices and income, each a fixed number of queries.

What an actor may see (payments.view_invoice): a partner's staff their
partner's invoices that are not drafts; a business manager every invoice of
the sites they manage; a platform admin everything. Anything else is a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from bookings.pricing import format_pence
from hub.api_base import object_or_404
from hub.charts import bar_chart
from hub.models import Site, StaffRole
from hub.rules import site_ids_for
from partners.rules import partner_ids_for
from payments.models import Invoice, InvoiceLine, Payment


def invoices_visible(*, actor) -> QuerySet[Invoice]:
    qs = Invoice.objects.select_related("partner", "site", "credit_for")
    if not actor.is_authenticated:
        return qs.none()
    if actor.is_superuser:
        return qs
    managed = site_ids_for(actor, StaffRole.Role.BUSINESS_MANAGER)
    return qs.filter(
        Q(site_id__in=managed)
        | (Q(partner_id__in=partner_ids_for(actor)) & ~Q(status=Invoice.Status.DRAFT))
    )


def invoice_get(*, invoice_id: int, actor) -> Invoice:
    """The invoice if `actor` may see it, else NotFound (404)."""
    return object_or_404(invoices_visible(actor=actor), what="invoice", pk=invoice_id)


def invoice_list(
    *,
    actor,
    site_id: int | None = None,
    partner_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    month: dt.date | None = None,
) -> QuerySet[Invoice]:
    qs = invoices_visible(actor=actor)
    filters = {
        "site_id": site_id,
        "partner_id": partner_id,
        "status": status,
        "kind": kind,
        "period_start": month.replace(day=1) if month else None,
    }
    return qs.filter(**{k: v for k, v in filters.items() if v}).order_by(
        "-period_start", "-pk"
    )


def invoice_lines(invoice: Invoice) -> list[InvoiceLine]:
    return list(invoice.lines.order_by("starts_at", "pk"))


def invoice_payments(invoice: Invoice) -> list[Payment]:
    return list(
        invoice.payments.exclude(status=Payment.Status.CANCELLED)
        .prefetch_related("refunds")
        .order_by("created_at")
    )


def sites_for_income(*, actor) -> QuerySet[Site]:
    if actor.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(
        pk__in=site_ids_for(actor, StaffRole.Role.BUSINESS_MANAGER)
    )


@dataclass(frozen=True)
class Income:
    """One site's invoiced income for one month, in pence."""

    invoiced: int
    credited: int
    paid: int
    unpaid: int
    overdue: int
    invoices: list[Invoice]


def income_for(*, site: Site, month: dt.date) -> Income:
    """Issued invoices of `site` for the month (drafts and void ones left out)."""
    first = month.replace(day=1)
    invoices = list(
        Invoice.objects.filter(site=site, period_start=first, kind=Invoice.Kind.INVOICE)
        .exclude(status__in=[Invoice.Status.DRAFT, Invoice.Status.VOID])
        .select_related("partner", "site")
        .order_by("number")
    )
    overdue = sum(
        i.balance_pence for i in invoices if i.status == Invoice.Status.OVERDUE
    )
    unpaid = sum(i.balance_pence for i in invoices)
    return Income(
        invoiced=sum(i.total_pence for i in invoices),
        credited=sum(i.credited_pence for i in invoices),
        paid=sum(i.paid_pence for i in invoices),
        unpaid=unpaid,
        overdue=overdue,
        invoices=invoices,
    )


def income_chart(income: Income):
    return bar_chart(
        [
            ("Paid", income.paid),
            ("Not yet due", income.unpaid - income.overdue),
            ("Overdue", income.overdue),
            ("Credited", income.credited),
        ],
        fmt=format_pence,
    )


def paid_places_for(*, site: Site, month: dt.date) -> list:
    """Paid activity places signed up for in the month at `site` (sign-ups
    with something to pay, any status), with what was paid and refunded.
    One query."""
    from activities.models import SignUp
    from hub.calendar_dates import local_day_bounds
    from payments.invoicing import month_end
    from payments.models import Refund

    first = month.replace(day=1)
    start, _ = local_day_bounds(first, site)
    _, end = local_day_bounds(month_end(first), site)
    paid = (
        Payment.objects.filter(signup=OuterRef("pk"), status=Payment.Status.SUCCEEDED)
        .values("signup")
        .annotate(total=Sum("amount_pence"))
        .values("total")
    )
    refunded = (
        Refund.objects.filter(
            payment__signup=OuterRef("pk"),
            status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED],
        )
        .values("payment__signup")
        .annotate(total=Sum("amount_pence"))
        .values("total")
    )
    return list(
        SignUp.objects.filter(
            activity__booking__room__site=site,
            created_at__gte=start,
            created_at__lt=end,
            activity__price_pence__gt=0,
        )
        .select_related("activity", "household", "session")
        .annotate(
            paid_pence=Coalesce(Subquery(paid), 0),
            refunded_pence=Coalesce(Subquery(refunded), 0),
        )
        .order_by("activity__title", "created_at", "pk")
    )


def months_back(today: dt.date, count: int = 12) -> list[dt.date]:
    """The first days of this month and the `count - 1` before it, newest first."""
    months, first = [], today.replace(day=1)
    for _ in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months


__all__ = [
    "Income",
    "income_chart",
    "income_for",
    "invoice_get",
    "invoice_lines",
    "invoice_list",
    "invoice_payments",
    "invoices_visible",
    "months_back",
    "paid_places_for",
    "sites_for_income",
]
