"""Who may do what to which object: the one permission layer.

Views, the API and templates all ask ``user.has_perm("app.action_model", obj)``
(or ``{% has_perm %}`` in templates). A permission not declared here, or in an
app's own ``rules.py``, is denied: django-rules' backend answers False for names
it does not know, and the password backend (hub.auth_backends) grants none.
Superusers (platform admins) hold every permission.

Predicates look roles up once per user object and cache them on it, so asking
about many objects in one request costs no extra queries.
"""

import rules

from hub.errors import PermissionDenied
from hub.models import Site, StaffRole


def require_perm(actor, perm: str, obj=None, *, message: str = "") -> None:
    """Services call this before changing state: raise hub.errors.PermissionDenied
    (403) unless `actor` holds `perm` on `obj`. The one place a rule is checked
    for a change; views, the API and navigation never re-derive it."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(
            message or "You do not have permission to do this.",
            details=[{"permission": perm}],
        )


def _roles(user) -> dict[str, set[int]]:
    """{role: {site_id, ...}} for a user, cached on the user object."""
    cached = getattr(user, "_hub_site_roles", None)
    if cached is None:
        cached = {role: set() for role in StaffRole.Role.values}
        for site_id, role in StaffRole.objects.filter(user=user).values_list(
            "site_id", "role"
        ):
            cached[role].add(site_id)
        user._hub_site_roles = cached
    return cached


def site_ids_for(user, *roles: str) -> set[int]:
    """Sites where the user holds any of `roles` (all staff roles if none given)."""
    if not user.is_authenticated:
        return set()
    table = _roles(user)
    return set().union(*(table[r] for r in (roles or StaffRole.Role.values)))


def site_id_of(obj) -> int | None:
    """The site an object belongs to: a Site, or anything with .site_id / .room."""
    if isinstance(obj, Site):
        return obj.pk
    if hasattr(obj, "site_id"):
        return obj.site_id
    room = getattr(obj, "room", None)
    return room.site_id if room is not None else None


@rules.predicate
def is_platform_admin(user) -> bool:
    return user.is_authenticated and user.is_superuser


@rules.predicate
def is_business_manager_of(user, obj) -> bool:
    return site_id_of(obj) in site_ids_for(user, StaffRole.Role.BUSINESS_MANAGER)


@rules.predicate
def is_site_staff_of(user, obj) -> bool:
    return site_id_of(obj) in site_ids_for(user)


@rules.predicate
def is_any_business_manager(user) -> bool:
    return bool(site_ids_for(user, StaffRole.Role.BUSINESS_MANAGER))


@rules.predicate
def is_any_link_worker(user) -> bool:
    return bool(site_ids_for(user, StaffRole.Role.LINK_WORKER))


@rules.predicate
def is_any_staff(user) -> bool:
    return bool(site_ids_for(user))


rules.add_perm("hub.add_site", is_platform_admin)
rules.add_perm("hub.change_site", is_platform_admin | is_business_manager_of)
rules.add_perm("hub.assign_roles", is_platform_admin)
rules.add_perm("hub.add_room", is_platform_admin | is_business_manager_of)
rules.add_perm("hub.change_room", is_platform_admin | is_business_manager_of)
rules.add_perm("hub.manage_calendar", is_platform_admin | is_business_manager_of)
rules.add_perm("hub.view_dashboard", is_platform_admin | is_any_business_manager)
rules.add_perm("hub.view_site_sheet", is_platform_admin | is_site_staff_of)
