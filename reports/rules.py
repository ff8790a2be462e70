"""Who may read which impact report (django-rules). Deny by default.

A report covers one *scope* (reports.scopes): every site (platform admins),
one trust (its trust administrators), one site (its business managers, and the
administrators of its trust), one partner's own activities (the partner's
staff) or the families a link worker referred (that link worker). Reports never
name a person and small numbers are suppressed (reports.suppression), so the
rule here is only about which activities a reader may count.
"""

import rules

from hub.rules import (
    is_any_business_manager,
    is_any_link_worker,
    is_business_manager_of,
    is_platform_admin,
)
from partners.rules import is_partner_member, partner_ids_for
from reports.models import TrustAdministrator


def trust_ids_for(user) -> set[int]:
    """Trusts the user administers, cached on the user object."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_report_trust_ids", None)
    if cached is None:
        cached = set(
            TrustAdministrator.objects.filter(user=user).values_list(
                "trust_id", flat=True
            )
        )
        user._report_trust_ids = cached
    return cached


@rules.predicate
def is_trust_administrator(user, trust) -> bool:
    return trust is not None and trust.pk in trust_ids_for(user)


@rules.predicate
def administers_trust_of_site(user, site) -> bool:
    return site is not None and site.trust_id in trust_ids_for(user)


@rules.predicate
def is_any_trust_administrator(user) -> bool:
    return bool(trust_ids_for(user))


@rules.predicate
def is_partner_staff(user) -> bool:
    return bool(partner_ids_for(user))


rules.add_perm("reports.assign_trust_administrator", is_platform_admin)
rules.add_perm("reports.view_all_report", is_platform_admin)
rules.add_perm("reports.view_trust_report", is_platform_admin | is_trust_administrator)
rules.add_perm(
    "reports.view_site_report",
    is_platform_admin | is_business_manager_of | administers_trust_of_site,
)
rules.add_perm("reports.view_partner_report", is_platform_admin | is_partner_member)
rules.add_perm("reports.view_referral_report", is_any_link_worker)
rules.add_perm(
    "reports.view_reports",
    # The trust administrator check (one query) last: the others are cached.
    is_platform_admin
    | is_any_business_manager
    | is_partner_staff
    | is_any_link_worker
    | is_any_trust_administrator,
)
