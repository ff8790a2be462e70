"""Booking permissions (django-rules). Deny by default.

Partner membership is looked up once per user object and cached on it, so
asking about many bookings in one request costs no extra queries.
"""

import rules

from hub.models import StaffRole
from hub.rules import (
    is_any_business_manager,
    is_business_manager_of,
    is_platform_admin,
    is_site_staff_of,
    site_id_of,
    site_ids_for,
)
from partners.rules import is_partner_member, partner_ids_for


@rules.predicate
def may_request_for(user, partner) -> bool:
    """Without a partner (navigation): staff of any approved partner. For a
    given partner: its staff (the service then refuses an unapproved partner
    with a 400 saying why)."""
    if partner is None:
        return bool(partner_ids_for(user, approved_only=True))
    return partner.pk in partner_ids_for(user)


@rules.predicate
def is_premises_staff_of(user, obj) -> bool:
    """Business manager or site staff (not link workers) of the object's site."""
    roles = (StaffRole.Role.BUSINESS_MANAGER, StaffRole.Role.SITE_STAFF)
    return site_id_of(obj) in site_ids_for(user, *roles)


rules.add_perm("bookings.request_booking", may_request_for)
rules.add_perm(
    "bookings.view_booking",
    is_platform_admin | is_partner_member | is_site_staff_of,
)
rules.add_perm("bookings.decide_booking", is_platform_admin | is_business_manager_of)
rules.add_perm(
    "bookings.cancel_booking",
    is_platform_admin | is_partner_member | is_business_manager_of,
)
rules.add_perm("bookings.view_queue", is_platform_admin | is_any_business_manager)
rules.add_perm("bookings.view_availability", rules.is_authenticated)
rules.add_perm("bookings.view_sheet", is_platform_admin | is_premises_staff_of)
rules.add_perm("bookings.view_site_calendar", is_platform_admin | is_premises_staff_of)
rules.add_perm("bookings.view_own_bookings", rules.is_authenticated)
rules.add_perm("bookings.view_site_totals", is_platform_admin | is_business_manager_of)
