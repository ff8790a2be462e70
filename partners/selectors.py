"""Reads about partners, each in a fixed number of queries.

Selectors that list take ``actor=`` and return exactly what partners.rules lets
that person see (tests/partners/test_permission_matrix.py), so pages and the
API never ask the rules again.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Q, QuerySet, When
from django.utils import timezone

from hub.errors import NotFound
from hub.models import AuditEntry
from partners.models import ComplianceDocument, Partner
from partners.rules import partner_ids_for

REVIEW_PERM = "partners.review_partners"

WARN_DAYS = 30
# What the partner uploads to renew each kind of document.
RENEWAL_NOUN = {
    ComplianceDocument.Kind.INSURANCE: "certificate",
    ComplianceDocument.Kind.SAFEGUARDING: "policy",
    ComplianceDocument.Kind.DBS: "confirmation",
    ComplianceDocument.Kind.RISK_ASSESSMENT: "risk assessment",
}


def partner_list_public() -> QuerySet[Partner]:
    return Partner.objects.filter(status=Partner.Status.APPROVED).order_by("name")


def partner_list_for_review(*, status: str | None = None) -> QuerySet[Partner]:
    """All partners, applications first, with document counts (one query)."""
    partners = Partner.objects.annotate(
        document_count=Count("documents"),
        unverified_count=Count(
            "documents", filter=Q(documents__verified_at__isnull=True)
        ),
    )
    if status:
        partners = partners.filter(status=status)
    waiting_first = Case(
        When(status=Partner.Status.APPLIED, then=0),
        When(status=Partner.Status.SUSPENDED, then=1),
        default=2,
    )
    return partners.order_by(waiting_first, "name")


def partner_insured_days(partner: Partner, days: Iterable[dt.date]) -> set[dt.date]:
    """The subset of `days` on which the partner holds verified insurance that has
    not expired (a document with no expiry never expires). One query."""
    return partners_insured_days(partner_ids=[partner.pk], days=days)[partner.pk]


def partner_insured_on(partner: Partner, day: dt.date) -> bool:
    return day in partner_insured_days(partner=partner, days=[day])


def partners_insured_days(
    *, partner_ids: Iterable[int], days: Iterable[dt.date]
) -> dict[int, set[dt.date]]:
    """{partner_id: the subset of `days` they are insured on} for many partners
    in one query (approval queues). Same rule as `partner_insured_days`."""
    days = list(days)
    expiries: dict[int, list[dt.date | None]] = {pid: [] for pid in partner_ids}
    rows = ComplianceDocument.objects.filter(
        partner_id__in=expiries,
        kind=ComplianceDocument.Kind.INSURANCE,
        verified_at__isnull=False,
    ).values_list("partner_id", "expires_on")
    for pid, expires_on in rows:
        expiries[pid].append(expires_on)
    return {
        pid: {d for d in days if any(e is None or e >= d for e in found)}
        for pid, found in expiries.items()
    }


@dataclass(frozen=True)
class DocumentWarning:
    document: ComplianceDocument
    expired: bool

    @property
    def message(self) -> str:
        """For the school's staff, who cannot upload it themselves."""
        doc = self.document
        when = f"{doc.expires_on:%-d %B %Y}"
        verb = "expired on" if self.expired else "expires on"
        noun = RENEWAL_NOUN.get(doc.kind, "document")
        return (
            f"{doc.get_kind_display()} {verb} {when}: "
            f"the organisation needs to upload the new {noun}."
        )

    @property
    def own_message(self) -> str:
        """Addressed to the partner, on their own pages."""
        doc = self.document
        verb = "expired on" if self.expired else "expires on"
        noun = RENEWAL_NOUN.get(doc.kind, "document")
        kind = doc.get_kind_display()
        if not kind[:2].isupper():  # "DBS confirmation" keeps its capitals
            kind = kind[0].lower() + kind[1:]
        return f"Your {kind} {verb} {doc.expires_on:%-d %B %Y}: upload the new {noun}."


def document_warnings(
    *, partner: Partner | None = None, today: dt.date | None = None
) -> list[DocumentWarning]:
    """Documents that have expired or expire within 30 days, where the partner
    has no later document of the same kind. One query."""
    today = today or timezone.localdate()
    docs = ComplianceDocument.objects.filter(expires_on__isnull=False).select_related(
        "partner"
    )
    if partner is not None:
        docs = docs.filter(partner=partner)
    else:
        docs = docs.exclude(partner__status=Partner.Status.SUSPENDED)
    latest: dict[tuple[int, str], ComplianceDocument] = {}
    for doc in docs:
        key = (doc.partner_id, doc.kind)
        if key not in latest or doc.expires_on > latest[key].expires_on:
            latest[key] = doc
    horizon = today + dt.timedelta(days=WARN_DAYS)
    warnings = [
        DocumentWarning(document=doc, expired=doc.expires_on < today)
        for doc in latest.values()
        if doc.expires_on <= horizon
    ]
    return sorted(
        warnings, key=lambda w: (w.document.expires_on, w.document.partner.name)
    )


def partner_get_for_member(*, user) -> Partner | None:
    """The partner the user belongs to (the first, if several)."""
    ids = partner_ids_for(user)
    return Partner.objects.filter(pk__in=ids).order_by("name").first() if ids else None


def partner_list_visible(
    *, actor, status: str | None = None, kind: str | None = None
) -> QuerySet[Partner]:
    """Partners `actor` may see (partners.view_partner): every one, applications
    first and with document counts, for those who review partners; otherwise
    the approved ones and their own."""
    if actor.has_perm(REVIEW_PERM):
        partners = partner_list_for_review(status=status)
    else:
        partners = Partner.objects.filter(
            Q(status=Partner.Status.APPROVED) | Q(pk__in=partner_ids_for(actor))
        ).order_by("name")
        if status:
            partners = partners.filter(status=status)
    return partners.filter(kind=kind) if kind else partners


def partner_get_visible(*, actor, slug: str) -> Partner:
    """One partner `actor` may see, else NotFound (404)."""
    partner = partner_list_visible(actor=actor).filter(slug=slug).first()
    if partner is None:
        raise NotFound("No partner has that address.")
    return partner


def document_list_visible(*, actor) -> QuerySet[ComplianceDocument]:
    """Compliance documents `actor` may open (partners.view_document): their own
    organisation's, or all for those who review partners."""
    documents = ComplianceDocument.objects.select_related("partner", "verified_by")
    if actor.has_perm(REVIEW_PERM):
        return documents
    return documents.filter(partner_id__in=partner_ids_for(actor))


def partner_history(*, partner: Partner, limit: int = 50) -> QuerySet[AuditEntry]:
    """Audit entries about the partner (decisions, members) and its documents,
    newest first, in one query."""
    types = ContentType.objects.get_for_models(Partner, ComplianceDocument)
    documents = ComplianceDocument.objects.filter(partner=partner).values("pk")
    about = Q(content_type=types[Partner], object_id=partner.pk) | Q(
        content_type=types[ComplianceDocument], object_id__in=documents
    )
    return AuditEntry.objects.filter(about)[:limit]
