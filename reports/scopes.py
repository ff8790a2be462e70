"""What one report covers (a *scope*) and who may read it.

A scope is named by a key that appears in addresses: ``all``, ``trust-<id>``,
``site-<id>``, ``partner-<id>`` or ``referrals`` (the families the reader
referred, as a link worker). `scope_get` turns a key into a `Scope` the reader
may see, else NotFound (404: a reader does not learn that another school's
report exists). `Scope.activity_filter` and friends are the same rule written
as queryset filters, so every figure counts only what the scope covers.
"""

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from activities.models import Referral
from hub.errors import NotFound
from hub.models import Site, StaffRole, Trust
from hub.rules import site_ids_for
from partners.models import Partner
from partners.rules import partner_ids_for
from reports.rules import trust_ids_for

KEY_RE = re.compile(r"^(all|referrals|(site|trust|partner)-([1-9][0-9]{0,9}))$")


@dataclass(frozen=True)
class Scope:
    key: str
    label: str
    kind: str  # all, trust, site, partner, referrals
    site_ids: frozenset[int] | None = None  # None: not limited by site
    partner_ids: frozenset[int] | None = None  # None: not limited by partner
    referrer_id: int | None = None  # only households this user referred

    @property
    def covers_rooms(self) -> bool:
        """Room hours and lettings: for schools and partners, not referrals."""
        return self.kind != "referrals"

    @property
    def covers_opening_hours(self) -> bool:
        """Hours open belong to schools: not to one partner's lettings."""
        return self.kind in ("all", "trust", "site")

    def activity_filter(self, prefix: str = "") -> Q:
        """Activities in scope, as a Q on `<prefix>` (a path to an Activity)."""
        q = Q()
        if self.site_ids is not None:
            q &= Q(**{f"{prefix}booking__room__site_id__in": self.site_ids})
        if self.partner_ids is not None:
            q &= Q(**{f"{prefix}partner_id__in": self.partner_ids})
        if self.referrer_id is not None:
            q &= Q(
                **{
                    f"{prefix}id__in": Referral.objects.filter(
                        referred_by_id=self.referrer_id
                    ).values("activity_id")
                }
            )
        return q

    def household_filter(self, *, household: str, activity: str) -> Q:
        """For link workers: only (household, activity) pairs they referred.
        `household` and `activity` are paths to the ids on the queried model."""
        if self.referrer_id is None:
            return Q()
        mine = Referral.objects.filter(referred_by_id=self.referrer_id)
        referred = mine.filter(
            household_id=OuterRef(household), activity_id=OuterRef(activity)
        )
        # The two IN lists let the database skip everything else before it
        # checks the exact (household, activity) pair.
        return Q(
            **{
                f"{household}__in": mine.values("household_id"),
                f"{activity}__in": mine.values("activity_id"),
            }
        ) & Q(Exists(referred))

    def slot_filter(self) -> Q:
        q = Q()
        if self.site_ids is not None:
            q &= Q(room__site_id__in=self.site_ids)
        if self.partner_ids is not None:
            q &= Q(booking__partner_id__in=self.partner_ids)
        return q

    def opening_sites(self):
        """Sites whose opening hours count (a queryset), or none."""
        if not self.covers_opening_hours:
            return Site.objects.none()
        if self.site_ids is None:
            return Site.objects.all()
        return Site.objects.filter(pk__in=self.site_ids)


def scope_get(*, user, key: str) -> Scope:
    """The scope named `key` if `user` may read its report, else NotFound."""
    match = KEY_RE.match(key or "")
    scope = _build(user, match) if match else None
    if scope is None:
        raise NotFound(
            f"There is no report called {key[:40]!r} that you may see. "
            "Choose one from the list of your reports."
        )
    return scope


def _build(user, match) -> Scope | None:
    kind, pk = match.group(2) or match.group(1), match.group(3)
    if kind == "all":
        return ALL if user.has_perm("reports.view_all_report") else None
    if kind == "referrals":
        if not user.has_perm("reports.view_referral_report"):
            return None
        return Scope(
            "referrals", "Families you referred", "referrals", referrer_id=user.pk
        )
    model = {"site": Site, "trust": Trust, "partner": Partner}[kind]
    obj = model.objects.filter(pk=int(pk)).first()
    if obj is None or not user.has_perm(f"reports.view_{kind}_report", obj):
        return None
    return _scope_of(obj)


ALL = Scope("all", "All schools", "all")


def _scope_of(obj) -> Scope:
    if isinstance(obj, Site):
        return Scope(f"site-{obj.pk}", obj.name, "site", site_ids=frozenset([obj.pk]))
    if isinstance(obj, Trust):
        sites = frozenset(site.pk for site in obj.sites.all())
        return Scope(f"trust-{obj.pk}", obj.name, "trust", site_ids=sites)
    return Scope(
        f"partner-{obj.pk}", obj.name, "partner", partner_ids=frozenset([obj.pk])
    )


def scopes_for(user) -> list[Scope]:
    """Every report the user may read, in the order a menu shows them."""
    scopes: list[Scope] = []
    if user.has_perm("reports.view_all_report"):
        scopes.append(ALL)
    trusts = Trust.objects.filter(pk__in=trust_ids_for(user))
    if user.is_superuser:
        trusts = Trust.objects.all()
    scopes += [_scope_of(t) for t in trusts.prefetch_related("sites")]
    managed = site_ids_for(user, StaffRole.Role.BUSINESS_MANAGER)
    scopes += [_scope_of(s) for s in Site.objects.filter(pk__in=managed)]
    partners = Partner.objects.filter(pk__in=partner_ids_for(user))
    scopes += [_scope_of(p) for p in partners]
    if user.has_perm("reports.view_referral_report"):
        scopes.append(
            Scope(
                "referrals", "Families you referred", "referrals", referrer_id=user.pk
            )
        )
    return scopes
