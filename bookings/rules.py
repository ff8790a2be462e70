"""Booking permissions (django-rules). Deny by default.

Partner membership is looked up once per user object and cached on it, so
asking about many bookings in one request costs no extra queries.
"""

import rules

from hub.models import StaffRole
from hub.rules import (
    is_business_manager_of,
    is_platform_admin,
    is_site_staff_of,
    site_id_of,
    site_ids_for,
)
from partners.rules import partner_ids_for


@rules.predicate
def is_partner_member_of(user, booking) -> bool:
    return booking is not None and booking.partner_id in partner_ids_for(user)


@rules.predicate
def is_approved_partner_member(user) -> bool:
    return bool(partner_ids_for(user, approved_only=True))


@rules.predicate
def is_authenticated(user) -> bool:
    return user.is_authenticated


@rules.predicate
def is_premises_staff_of(user, obj) -> bool:
    """Business manager or site staff (not link workers) of the object's site."""
    roles = (StaffRole.Role.BUSINESS_MANAGER, StaffRole.Role.SITE_STAFF)
    return site_id_of(obj) in site_ids_for(user, *roles)


@rules.predicate
def is_manager_of_any_site(user) -> bool:
    return bool(site_ids_for(user, StaffRole.Role.BUSINESS_MANAGER))


rules.add_perm("bookings.request_booking", is_approved_partner_member)
rules.add_perm(
    "bookings.view_booking",
    is_platform_admin | is_partner_member_of | is_site_staff_of,
)
rules.add_perm("bookings.decide_booking", is_platform_admin | is_business_manager_of)
rules.add_perm(
    "bookings.cancel_booking",
    is_platform_admin | is_partner_member_of | is_business_manager_of,
)
rules.add_perm("bookings.view_queue", is_platform_admin | is_manager_of_any_site)
rules.add_perm("bookings.view_availability", is_authenticated)
rules.add_perm("bookings.view_sheet", is_platform_admin | is_premises_staff_of)
rules.add_perm("bookings.view_own_bookings", is_authenticated)
rules.add_perm("bookings.view_site_totals", is_platform_admin | is_business_manager_of)
