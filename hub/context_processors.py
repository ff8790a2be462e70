"""Template context shared by every page: the navigation for the user's roles.

Costs at most two queries per page (the user's site roles, cached on the user
for the request, and one EXISTS query for partner membership and household).
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse

from hub.models import StaffRole
from hub.rules import site_ids_for


def _link(label: str, url_name: str, *args) -> dict | None:
    try:
        return {"label": label, "url": reverse(url_name, args=args)}
    except NoReverseMatch:  # an app's pages not wired yet
        return None


def _account_flags(user) -> dict:
    from activities.models import Household
    from partners.models import PartnerMembership

    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            is_partner=Exists(PartnerMembership.objects.filter(user=OuterRef("pk"))),
            has_household=Exists(Household.objects.filter(user=OuterRef("pk"))),
        )
        .values("is_partner", "has_household")
        .get()
    )


def _staff_links(user) -> list:
    managed = site_ids_for(user, StaffRole.Role.BUSINESS_MANAGER)
    links = []
    if managed or user.is_superuser:
        links += [
            _link("Dashboard", "hub:dashboard"),
            _link("Room requests", "bookings:queue"),
            _link("Partner reviews", "partners:review"),
        ]
    staffed = sorted(site_ids_for(user, StaffRole.Role.SITE_STAFF) | managed)
    if staffed:
        links.append(_link("Lettings sheet", "bookings:sheet", staffed[0]))
    if site_ids_for(user, StaffRole.Role.LINK_WORKER):
        links.append(_link("Referrals", "activities:referrals"))
    return links


def navigation(request) -> dict:
    user = request.user
    links = [
        _link("Activities", "activities:list"),
        _link("Schools and rooms", "hub:site-list"),
    ]
    if not user.is_authenticated:
        links.append(_link("Partners", "partners:directory"))
    else:
        links += _staff_links(user)
        flags = _account_flags(user)
        if flags["is_partner"]:
            links += [
                _link("Our bookings", "bookings:mine"),
                _link("Our activities", "activities:mine"),
                _link("Our organisation", "partners:mine"),
            ]
        if flags["has_household"]:
            links.append(_link("Your family", "activities:household"))
    return {"nav_links": [link for link in links if link]}
