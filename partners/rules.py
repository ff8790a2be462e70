"""Partner permissions (django-rules). See hub/rules.py for the shared predicates."""

import rules

from hub.rules import is_any_business_manager, is_platform_admin
from partners.models import ComplianceDocument, Partner, PartnerMembership


def _memberships(user) -> dict[int, tuple[str, str]]:
    """{partner_id: (role, partner status)} for a user, cached on the user object."""
    cached = getattr(user, "_partner_memberships", None)
    if cached is None:
        rows = PartnerMembership.objects.filter(user=user).values_list(
            "partner_id", "role", "partner__status"
        )
        cached = {pid: (role, status) for pid, role, status in rows}
        user._partner_memberships = cached
    return cached


def partner_ids_for(
    user, *, role: str | None = None, approved_only: bool = False
) -> set[int]:
    """Partners the user belongs to (with `role`, and approved, if asked)."""
    if not user.is_authenticated:
        return set()
    return {
        pid
        for pid, (r, status) in _memberships(user).items()
        if role in (None, r)
        and (not approved_only or status == Partner.Status.APPROVED)
    }


def _partner_id(obj) -> int | None:
    """The partner an object belongs to: a Partner, or anything with .partner_id
    (a document, a membership, a booking, an activity)."""
    if isinstance(obj, Partner):
        return obj.pk
    if isinstance(obj, ComplianceDocument):
        return obj.partner_id
    return getattr(obj, "partner_id", None)


@rules.predicate
def is_partner_member(user, obj) -> bool:
    """The one "belongs to the object's partner" predicate (any object with a
    partner); other apps use it rather than writing their own."""
    return obj is not None and _partner_id(obj) in partner_ids_for(user)


@rules.predicate
def is_approved_partner(user, obj) -> bool:
    return isinstance(obj, Partner) and obj.status == Partner.Status.APPROVED


@rules.predicate
def is_partner_admin(user, obj) -> bool:
    return obj is not None and _partner_id(obj) in partner_ids_for(
        user, role=PartnerMembership.Role.ADMIN
    )


can_decide = is_platform_admin | is_any_business_manager

rules.add_perm("partners.apply", rules.is_authenticated)
rules.add_perm(
    "partners.view_partner", is_approved_partner | is_partner_member | can_decide
)
rules.add_perm("partners.view_partner_private", is_partner_member | can_decide)
rules.add_perm("partners.change_partner", is_partner_admin)
rules.add_perm("partners.add_member", is_partner_admin)
rules.add_perm("partners.remove_member", is_partner_admin)
rules.add_perm("partners.upload_document", is_partner_admin)
rules.add_perm("partners.view_document", is_partner_member | can_decide)
rules.add_perm("partners.review_partners", can_decide)
rules.add_perm("partners.decide_partner", can_decide)
rules.add_perm("partners.verify_document", can_decide)
