"""Every write to sites, rooms, opening hours, school dates and staff roles.

Services validate (``full_clean`` plus the cross-row rules below) and raise
django.core.exceptions.ValidationError keyed by field, so the HTML forms can show
the message next to the field and the API's one exception handler returns 400
with the same message. Permission checks happen in the views and API first.

Database constraints are the backstop; ``validate_constraints=False`` keeps the
user-facing messages to the clear ones written here instead of Django's
generic "Constraint ... is violated".
"""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

# hub owns Room <-> Calendar wiring: a Room cannot exist without its Calendar.
# bookings/scheduling.py has no calendar-creating function, so this is the one
# other place that imports ``schedule`` (a Calendar row only, no events).
from schedule.models import Calendar

from hub.models import (
    Closure,
    Holiday,
    OpeningHours,
    Room,
    RoomFeature,
    Site,
    StaffRole,
    Term,
    Trust,
)

User = get_user_model()

SITE_FIELDS = (  # in the order forms show them
    "trust",
    "name",
    "slug",
    "address",
    "postcode",
    "area",
    "timezone",
    "contact_name",
    "contact_email",
    "contact_phone",
    "getting_there",
    "closed_on_bank_holidays",
)
ROOM_FIELDS = {
    "name",
    "slug",
    "description",
    "capacity",
    "accessibility_notes",
    "rate_daytime_pence",
    "rate_evening_pence",
    "rate_weekend_pence",
    "setup_buffer_minutes",
    "cleardown_buffer_minutes",
    "is_bookable",
}
WEEKDAY_NAMES = dict(OpeningHours.Weekday.choices)


def _assign(instance, fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _check(instance, **kwargs) -> None:
    instance.full_clean(validate_constraints=False, **kwargs)


# Sites


# /sites/new/ is the create page, so no site may be reached at that address.
RESERVED_SITE_SLUGS = {"new"}


def _check_site_slug(site: Site) -> None:
    if site.slug in RESERVED_SITE_SLUGS:
        raise ValidationError(
            {
                "slug": f"“{site.slug}” is reserved for the page that adds a "
                "school. Choose a different web address, such as the school's name."
            }
        )
    if Site.objects.filter(slug=site.slug).exclude(pk=site.pk).exists():
        raise ValidationError(
            {
                "slug": f"Another school already uses the web address "
                f"“{site.slug}”. Choose a different one."
            }
        )


@transaction.atomic
def site_create(*, name: str, slug: str, address: str, postcode: str, **fields) -> Site:
    """Create a site. Optional `fields` are any of SITE_FIELDS."""
    site = Site(name=name, slug=slug, address=address, postcode=postcode)
    _assign(site, fields, SITE_FIELDS)
    _check_site_slug(site)
    _check(site, validate_unique=False)
    site.save()
    return site


@transaction.atomic
def site_update(*, site: Site, **fields) -> Site:
    """Change any of SITE_FIELDS; nothing is saved if one is invalid."""
    _assign(site, fields, SITE_FIELDS)
    _check_site_slug(site)
    _check(site, validate_unique=False)
    site.save()
    return site


@transaction.atomic
def opening_hours_set(
    *, site: Site, hours: dict[int, tuple[dt.time, dt.time] | None]
) -> list[OpeningHours]:
    """Replace the site's community opening hours.

    `hours` maps weekday (0 = Monday) to (opens_at, closes_at) local times, or
    None for closed; weekdays not given are closed.
    """
    rows = []
    for weekday, times in sorted(hours.items()):
        if times is None:
            continue
        row = OpeningHours(
            site=site, weekday=weekday, opens_at=times[0], closes_at=times[1]
        )
        _check_hours(row)
        rows.append(row)
    OpeningHours.objects.filter(site=site).delete()
    return OpeningHours.objects.bulk_create(rows)


def _check_hours(row: OpeningHours) -> None:
    day = WEEKDAY_NAMES.get(row.weekday)
    if day is None:
        raise ValidationError({"weekday": "Weekday must be 0 (Monday) to 6 (Sunday)."})
    if row.closes_at <= row.opens_at:
        raise ValidationError(
            {
                "closes_at": f"{day}: the closing time ({row.closes_at:%H:%M}) must be "
                f"after the opening time ({row.opens_at:%H:%M}). "
                "Leave both empty if the school is closed that day."
            }
        )


# Rooms


def _check_room_slug(room: Room) -> None:
    clash = Room.objects.filter(site_id=room.site_id, slug=room.slug)
    if clash.exclude(pk=room.pk).exists():
        raise ValidationError(
            {
                "slug": f"This school already has a room at “{room.slug}”. "
                "Choose a different web address."
            }
        )


def _calendar_for(room: Room) -> Calendar:
    """The room's django-scheduler calendar, with a unique slug."""
    base = f"room-{room.site.slug}-{room.slug}"
    slug, n = base, 1
    while Calendar.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Calendar.objects.create(name=f"{room.name}, {room.site.name}", slug=slug)


@transaction.atomic
def room_create(
    *,
    site: Site,
    name: str,
    slug: str,
    capacity: int,
    features: Iterable[RoomFeature] = (),
    **fields,
) -> Room:
    """Create a room and the schedule Calendar it owns. Rates are in pence."""
    room = Room(site=site, name=name, slug=slug, capacity=capacity)
    _assign(room, fields, ROOM_FIELDS)
    _check_room_slug(room)
    _check(room, exclude=["calendar"], validate_unique=False)
    room.calendar = _calendar_for(room)
    room.save()
    room.features.set(features)
    return room


@transaction.atomic
def room_update(
    *, room: Room, features: Iterable[RoomFeature] | None = None, **fields
) -> Room:
    """Change any of ROOM_FIELDS (and the features, when given)."""
    _assign(room, fields, ROOM_FIELDS)
    _check_room_slug(room)
    _check(room, validate_unique=False)
    room.save()
    if features is not None:
        room.features.set(features)
    return room


# Terms, holidays and closures


def _owner_q(*, site: Site | None, trust: Trust | None) -> Q:
    """Periods that share a calendar with this site or trust."""
    if site is not None:
        q = Q(site=site)
        return q | Q(trust_id=site.trust_id) if site.trust_id else q
    return Q(trust=trust) | Q(site__trust=trust)


def term_assert_no_overlap(*, term: Term) -> None:
    """ValidationError on starts_on if `term` overlaps a term sharing its calendar."""
    overlapping = (
        Term.objects.filter(_owner_q(site=term.site, trust=term.trust))
        .filter(starts_on__lte=term.ends_on, ends_on__gte=term.starts_on)
        .exclude(pk=term.pk)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "starts_on": f"These dates overlap {overlapping}. Change the dates "
                "so that this term starts after the other one ends."
            }
        )


@transaction.atomic
def term_create(
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    site: Site | None = None,
    trust: Trust | None = None,
) -> Term:
    """A term for one site or shared by a trust. Terms of one site never overlap."""
    term = Term(site=site, trust=trust, name=name, starts_on=starts_on, ends_on=ends_on)
    _check(term)
    term_assert_no_overlap(term=term)
    term.save()
    return term


@transaction.atomic
def holiday_create(
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    site: Site | None = None,
    trust: Trust | None = None,
) -> Holiday:
    holiday = Holiday(
        site=site, trust=trust, name=name, starts_on=starts_on, ends_on=ends_on
    )
    _check(holiday)
    holiday.save()
    return holiday


@transaction.atomic
def closure_create(
    *, site: Site, reason: str, starts_on: dt.date, ends_on: dt.date
) -> Closure:
    closure = Closure(site=site, reason=reason, starts_on=starts_on, ends_on=ends_on)
    _check(closure)
    closure.save()
    return closure


@transaction.atomic
def term_delete(*, term: Term) -> None:
    term.delete()


@transaction.atomic
def holiday_delete(*, holiday: Holiday) -> None:
    holiday.delete()


@transaction.atomic
def closure_delete(*, closure: Closure) -> None:
    closure.delete()


# Staff roles


@transaction.atomic
def staff_role_assign(*, site: Site, user: User, role: str) -> StaffRole:
    """Give `user` a role at `site`. Holding it already is an error."""
    if role not in StaffRole.Role.values:
        raise ValidationError(
            {"role": "Choose business manager, site staff or link worker."}
        )
    if StaffRole.objects.filter(site=site, user=user, role=role).exists():
        label = StaffRole.Role(role).label.lower()
        raise ValidationError(
            {"email": f"{user.email} is already a {label} at {site.name}."}
        )
    return StaffRole.objects.create(site=site, user=user, role=role)


@transaction.atomic
def staff_role_remove(*, staff_role: StaffRole) -> None:
    staff_role.delete()
