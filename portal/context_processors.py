"""The navigation for every page: each link is shown when the person holds the
permission that guards its page (``user.has_perm``), the same rule the page
and the services check. Nothing here re-derives a rule.

Costs at most three queries per page: the user's site roles and partner
memberships (each cached on the user for the request by the rules layer), and
the user's household. The reports link's rule also asks whether the person
administers a trust (one more query, which every family would pay on every
page): its answer is kept in the cache (Redis when configured) for the
sign-in, by session key, for NAV_REMEMBER_SECONDS, so a person made a trust
administrator sees the link within five minutes, and one no longer allowed
keeps the link that long (the reports pages ask the rule every time). No
database write. The links are worked out once per request.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.urls import reverse

from activities.selectors import household_for_user
from hub.models import Site
from hub.rules import site_ids_for
from partners.models import Partner
from partners.rules import partner_ids_for

# Links whose rule costs a query of its own, answered from the session.
REMEMBERED = {"reports.view_reports"}
NAV_REMEMBER_SECONDS = 300

# (label, url name, permission that guards the page) for links without an object.
STAFF_LINKS = [
    ("Dashboard", "portal:dashboard", "hub.view_dashboard"),
    ("Room requests", "bookings:queue", "bookings.view_queue"),
    ("Partners", "partners:review", "partners.review_partners"),
    ("Income", "payments:income", "payments.view_income"),
    ("Reports", "reports:list", "reports.view_reports"),
]
REFERRALS = ("Referrals", "activities:referrals", "activities.refer_household")
# The room finder, for staff of an approved partner (who may request rooms).
FINDER = ("Find a room", "bookings:finder", "bookings.request_booking")
# A partner's room-hire invoices (staff of any partner).
INVOICES = ("Invoices", "payments:invoices", "payments.view_own_invoices")
# A partner's own pages, shown to whoever may see the partner's private page.
PARTNER_LINKS = [
    ("Our bookings", "bookings:mine"),
    ("Our activities", "activities:mine"),
    ("Our organisation", "partners:mine"),
]


def _link(label: str, url_name: str, *args) -> dict:
    return {"label": label, "url": reverse(url_name, args=args)}


def _sheet_link(user) -> list[dict]:
    """The lettings sheet of the first site whose sheet the user may open."""
    for site_id in sorted(site_ids_for(user)):
        if user.has_perm("bookings.view_sheet", Site(pk=site_id)):
            return [_link("Lettings sheet", "bookings:sheet", site_id)]
    return []


def _partner_links(user) -> list[dict]:
    partners = [Partner(pk=pk) for pk in sorted(partner_ids_for(user))]
    if any(user.has_perm("partners.view_partner_private", p) for p in partners):
        return [_link(label, name) for label, name in PARTNER_LINKS]
    return []


def _allowed(request, user, perm: str) -> bool:
    """user.has_perm(perm); for a REMEMBERED permission, the answer kept in
    the cache for this sign-in (the session key) for NAV_REMEMBER_SECONDS."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if perm not in REMEMBERED or not session_key:
        return user.has_perm(perm)
    key = f"nav:{perm}:{session_key}"
    kept = cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == user.pk:
        return bool(kept[1])
    allowed = user.has_perm(perm)
    cache.set(key, (user.pk, allowed), NAV_REMEMBER_SECONDS)
    return allowed


def _signed_in_links(request, user) -> list[dict]:
    links = [
        _link(label, name)
        for label, name, perm in STAFF_LINKS
        if _allowed(request, user, perm)
    ]
    links += _sheet_link(user)
    if user.has_perm(REFERRALS[2]):
        links.append(_link(*REFERRALS[:2]))
    if user.has_perm(FINDER[2]):
        links.append(_link(*FINDER[:2]))
    links += _partner_links(user)
    if user.has_perm(INVOICES[2]):
        links.append(_link(*INVOICES[:2]))
    household = household_for_user(user=user)
    if household is not None and user.has_perm("activities.view_household", household):
        links.append(_link("Your family", "activities:household"))
    return links


def navigation(request) -> dict:
    # Once per request, however many templates the page renders with it.
    links = getattr(request, "_nav_links", None)
    if links is None:
        links = request._nav_links = _links(request)
    return {"nav_links": links}


def _links(request) -> list[dict]:
    # An error page for a request that failed before the authentication
    # middleware ran (a bad Host header: 400) has no user: show the public links.
    user = getattr(request, "user", None) or AnonymousUser()
    links = [
        _link("Activities", "activities:list"),
        _link("Schools", "hub:site-list"),
    ]
    if user.is_authenticated:
        links += _signed_in_links(request, user)
    else:
        links.append(_link("Partners", "partners:directory"))
    return links
