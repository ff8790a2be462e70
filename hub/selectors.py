"""Read-side queries for sites and rooms. Each returns a queryset whose cost does
not grow with the number of rows (related data is prefetched)."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from hub.models import Closure, Holiday, OpeningHours, Room, Site, StaffRole, Term


def site_list_public() -> QuerySet[Site]:
    """Every site, with its bookable-room count and opening hours, by name."""
    return (
        Site.objects.select_related("trust")
        .annotate(room_count=Count("rooms", filter=Q(rooms__is_bookable=True)))
        .prefetch_related("opening_hours")
        .order_by("name")
    )


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


def room_list_public() -> QuerySet[Room]:
    """Rooms of every site with their site and features (filter it further)."""
    return (
        Room.objects.select_related("site")
        .prefetch_related("features")
        .order_by("site__name", "name")
    )


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
