"""Read-side queries for sites and rooms. Each returns a queryset whose cost does
not grow with the number of rows (related data is prefetched).

Sites and rooms are public. What a person may *manage* comes from the
selectors taking ``actor=``; they return exactly what hub.rules allows (see
tests/partners/test_permission_matrix.py), so views and the API never ask the
rules again.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from hub.errors import NotFound, PermissionDenied
from hub.models import (
    AuditEntry,
    Closure,
    Holiday,
    OpeningHours,
    Room,
    Site,
    StaffRole,
    Term,
)
from hub.rules import is_platform_admin, site_ids_for

MANAGE_ROLES = (StaffRole.Role.BUSINESS_MANAGER,)


def site_list_public(*, area: str = "", trust: str = "") -> QuerySet[Site]:
    """Every site (in `area`, any case, and of the `trust` slug, when given),
    with its bookable-room count and opening hours, by name."""
    sites = (
        Site.objects.select_related("trust")
        .annotate(room_count=Count("rooms", filter=Q(rooms__is_bookable=True)))
        .prefetch_related("opening_hours")
        .order_by("name")
    )
    if area:
        sites = sites.filter(area__iexact=area)
    if trust:
        sites = sites.filter(trust__slug=trust)
    return sites


def site_get_public(*, slug: str) -> Site:
    """One site with its opening hours and rooms (and their features); 404 if unknown."""
    rooms = Room.objects.prefetch_related("features").order_by("name")
    queryset = Site.objects.select_related("trust").prefetch_related(
        "opening_hours", Prefetch("rooms", queryset=rooms)
    )
    try:
        return queryset.get(slug=slug)
    except Site.DoesNotExist:
        raise Http404("No school has that address.") from None


def room_list_public(
    *, site: int | None = None, min_capacity: int | None = None, feature: str = ""
) -> QuerySet[Room]:
    """Rooms with their site and features: of the `site` id, holding at least
    `min_capacity` people and having the `feature` slug, when given."""
    rooms = (
        Room.objects.select_related("site")
        .prefetch_related("features")
        .order_by("site__name", "name")
    )
    if site is not None:
        rooms = rooms.filter(site_id=site)
    if min_capacity is not None:
        rooms = rooms.filter(capacity__gte=min_capacity)
    if feature:
        rooms = rooms.filter(features__slug=feature)
    return rooms


def room_get_public(*, site_slug: str, room_slug: str) -> Room:
    room = (
        Room.objects.select_related("site")
        .prefetch_related("features", "site__opening_hours")
        .filter(site__slug=site_slug, slug=room_slug)
        .first()
    )
    if room is None:
        raise Http404("No room has that address.")
    return room


def opening_week(*, site: Site) -> list[tuple[str, OpeningHours | None]]:
    """[(weekday name, OpeningHours or None if closed)] Monday first.

    Uses the prefetched rows when there are some."""
    by_day = {hours.weekday: hours for hours in site.opening_hours.all()}
    return [(name, by_day.get(day)) for day, name in OpeningHours.Weekday.choices]


def site_terms(*, site: Site) -> QuerySet[Term]:
    """The site's own terms and those its trust shares."""
    shared = Q(trust_id=site.trust_id) if site.trust_id else Q(pk__in=[])
    return Term.objects.filter(Q(site=site) | shared).order_by("starts_on")


def site_holidays(*, site: Site) -> QuerySet[Holiday]:
    shared = Q(trust_id=site.trust_id) if site.trust_id else Q(pk__in=[])
    return Holiday.objects.filter(Q(site=site) | shared).order_by("starts_on")


def site_closures(*, site: Site) -> QuerySet[Closure]:
    return Closure.objects.filter(site=site).order_by("starts_on")


def site_staff_roles(*, site: Site) -> QuerySet[StaffRole]:
    return (
        StaffRole.objects.filter(site=site)
        .select_related("user")
        .order_by("role", "user__email")
    )


# What the actor may manage (hub.change_site / change_room / manage_calendar)


def _managed_site_ids(actor) -> set[int] | None:
    """None means every site (a platform admin)."""
    if is_platform_admin(actor):
        return None
    return site_ids_for(actor, *MANAGE_ROLES)


def _managed(queryset: QuerySet, actor, path: str = "site_id") -> QuerySet:
    ids = _managed_site_ids(actor)
    return queryset if ids is None else queryset.filter(**{f"{path}__in": ids})


def site_list_managed(*, actor) -> QuerySet[Site]:
    """Sites the actor may change (their business-manager sites; all for admins)."""
    return _managed(Site.objects.order_by("name"), actor, "pk")


def room_list_managed(*, actor) -> QuerySet[Room]:
    return _managed(room_list_public(), actor)


def term_list_managed(*, actor) -> QuerySet[Term]:
    """Terms the actor may delete: their sites' own (a trust's shared terms are
    for platform admins)."""
    return _managed(Term.objects.order_by("starts_on"), actor)


def holiday_list_managed(*, actor) -> QuerySet[Holiday]:
    return _managed(Holiday.objects.order_by("starts_on"), actor)


def closure_list_managed(*, actor) -> QuerySet[Closure]:
    return _managed(Closure.objects.order_by("starts_on"), actor)


def site_get_for(*, actor, slug: str, perm: str = "hub.change_site") -> Site:
    """The site at `slug` for a page that manages it: 404 if there is none, 403
    (hub.errors.PermissionDenied) unless the actor holds `perm` on it."""
    site = Site.objects.select_related("trust").filter(slug=slug).first()
    if site is None:
        raise NotFound("No school has that address.")
    if not actor.has_perm(perm, site):
        raise PermissionDenied("You do not manage this school.")
    return site


def room_get_for(*, actor, site_slug: str, room_slug: str) -> Room:
    """The room for its edit page: 404 if unknown, 403 unless the actor may change it."""
    room = (
        Room.objects.select_related("site")
        .filter(site__slug=site_slug, slug=room_slug)
        .first()
    )
    if room is None:
        raise NotFound("No room has that address.")
    if not actor.has_perm("hub.change_room", room):
        raise PermissionDenied("You do not manage this room.")
    return room


HISTORY_MODELS = (Site, Room, Term, Holiday, Closure, StaffRole)


def site_history(*, site: Site, limit: int = 50) -> QuerySet[AuditEntry]:
    """The audit entries about the site and its rooms, dates and staff roles,
    newest first (one query), for the site's manage page."""
    types = ContentType.objects.get_for_models(*HISTORY_MODELS).values()
    return AuditEntry.objects.filter(site_id=site.pk, content_type__in=types)[:limit]
