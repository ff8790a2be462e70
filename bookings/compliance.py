"""Compliance look-ups for bookings. The insurance rule itself (a verified
insurance document not expired on the day) lives in partners.selectors."""

import datetime as dt

from partners.models import ComplianceDocument
from partners.selectors import partner_insured_days


def insured_days(*, partner, days: list[dt.date]) -> set[dt.date]:
    """The subset of `days` on which `partner` holds valid insurance. One query."""
    return partner_insured_days(partner=partner, days=days)


def documents_valid_today(
    *, partner_ids: set[int], day: dt.date
) -> dict[int, dict[str, bool]]:
    """{partner_id: {kind label: valid on `day`}} for every document kind, in
    one query (the approval queue's compliance column)."""
    kinds = ComplianceDocument.Kind
    table = {pid: {label: False for label in kinds.labels} for pid in partner_ids}
    docs = ComplianceDocument.objects.filter(
        partner_id__in=partner_ids, verified_at__isnull=False
    )
    for pid, kind, expires_on in docs.values_list("partner_id", "kind", "expires_on"):
        if expires_on is None or expires_on >= day:
            table[pid][kinds(kind).label] = True
    return table
