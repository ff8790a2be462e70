"""Template context shared by every page: the navigation for the user's roles."""

from django.urls import NoReverseMatch, reverse


def _link(label: str, url_name: str) -> dict | None:
    try:
        return {"label": label, "url": reverse(url_name)}
    except NoReverseMatch:  # an app's pages not wired yet
        return None


def navigation(request) -> dict:
    user = request.user
    links = [
        _link("Activities", "activities:list"),
        _link("Schools and rooms", "hub:site-list"),
        _link("Partners", "partners:directory"),
    ]
    if user.is_authenticated:
        if user.has_perm("hub.view_dashboard"):
            links.append(_link("Manager dashboard", "hub:dashboard"))
            links.append(_link("Booking requests", "bookings:queue"))
        if user.partner_memberships.exists():
            links.append(_link("Your organisation", "partners:mine"))
            links.append(_link("Your bookings", "bookings:mine"))
        if hasattr(user, "household"):
            links.append(_link("Your family", "activities:household"))
    return {"nav_links": [link for link in links if link]}
