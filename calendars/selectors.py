"""Reads: which feeds a person is offered, their links, and a feed by its secret."""

from dataclasses import dataclass

from django.conf import settings

from activities.models import Household
from bookings.rules import is_premises_staff_of
from calendars import tokens
from calendars.feeds import TARGETS, feed_name, target_of
from calendars.models import FeedToken
from hub.models import Room, Site
from hub.rules import site_ids_for
from partners.models import Partner
from partners.rules import partner_ids_for

Kind = FeedToken.Kind


@dataclass
class FeedLink:
    token: FeedToken
    name: str
    https_url: str
    webcal_url: str


def feed_targets_offered(actor) -> list[tuple[str, object]]:
    """(kind, target) for the feeds that belong on the person's start page:
    their household, their partners, and the sites where they work (lettings,
    and the caretaker's view for premises staff). Room feeds are on request."""
    offered: list[tuple[str, object]] = []
    household = Household.objects.filter(user=actor, erased_at__isnull=True).first()
    if household is not None:
        offered.append((Kind.FAMILY, household))
    for partner in Partner.objects.filter(pk__in=partner_ids_for(actor)):
        offered.append((Kind.PARTNER, partner))
    for site in Site.objects.filter(pk__in=site_ids_for(actor)).order_by("name"):
        offered.append((Kind.SITE, site))
        if is_premises_staff_of(actor, site):
            offered.append((Kind.CARETAKER, site))
    return offered


def feed_tokens_for(actor):
    """The person's own links that work (not revoked), oldest first."""
    return FeedToken.objects.filter(user=actor, revoked_at__isnull=True).order_by("pk")


def feed_links(token_rows) -> list[FeedLink]:
    """Each token with its feed's name and its https and webcal addresses. Rows
    whose target is gone or no longer the person's are left out."""
    by_kind: dict[str, set[int]] = {}
    for row in token_rows:
        by_kind.setdefault(row.kind, set()).add(row.target_id)
    targets = {}
    for kind, ids in by_kind.items():
        model = TARGETS[kind][0]
        queryset = model.objects.filter(pk__in=ids)
        if model is Room:
            queryset = queryset.select_related("site")
        targets.update({(kind, t.pk): t for t in queryset})
    links = []
    for row in token_rows:
        target = targets.get((row.kind, row.target_id))
        if target is None or not row.user.has_perm(TARGETS[row.kind][1], target):
            continue
        links.append(_link(row, feed_name(row.kind, target)))
    return links


def _link(row: FeedToken, name: str) -> FeedLink:
    path = f"/calendars/feed/{tokens.token_for(row.nonce)}.ics"
    base = settings.SITE_URL.rstrip("/")
    host = base.split("://", 1)[-1]
    return FeedLink(
        token=row, name=name, https_url=base + path, webcal_url=f"webcal://{host}{path}"
    )


def feed_token_by_secret(secret: str) -> tuple[FeedToken, object] | None:
    """The live token for a feed address and its target, if its owner may
    still read that feed; else None (the feed answers 404)."""
    row = (
        FeedToken.objects.select_related("user")
        .filter(token_hash=tokens.token_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    target = target_of(row.kind, row.target_id)
    if target is None or not row.user.has_perm(TARGETS[row.kind][1], target):
        return None
    return row, target
