"""Every write to sites, rooms, opening hours, school dates and staff roles.

Each service takes the person acting as ``actor=``, checks their permission
itself (hub.rules.require_perm: 403 for everyone who calls it, page, API or
admin), validates (``full_clean`` plus the cross-row rules below) raising
hub.errors.DomainError naming the field, and writes one audit entry
(hub.audit) in its own transaction.

Database constraints are the backstop: each has the same plain-English message
(hub.db_errors translates a violation), so the checks here come first only to
name the field and explain the fix in more detail.
"""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from hub.audit import audit_record, diff, snapshot
from hub.errors import DomainError
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
from hub.rules import require_perm

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
ROOM_FIELDS = (  # in the order forms and the API show them
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
)
WEEKDAY_NAMES = dict(OpeningHours.Weekday.choices)


def _assign(instance, fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


def full_clean_or_error(instance, **kwargs) -> None:
    """`full_clean()` (constraints left to the database), raising DomainError on
    the first field at fault; other fields' messages go in its details."""
    try:
        instance.full_clean(validate_constraints=False, **kwargs)
    except ValidationError as exc:
        raise domain_error_from(exc) from None


def domain_error_from(exc: ValidationError) -> DomainError:
    """A Django ValidationError as the one DomainError: first field named."""
    if not hasattr(exc, "error_dict"):
        return DomainError(" ".join(exc.messages))
    items = [(f, " ".join(m)) for f, m in exc.message_dict.items()]
    (field, message), rest = items[0], items[1:]
    field = None if field == "__all__" else field
    return DomainError(
        message, field=field, details=[{"field": f, "message": m} for f, m in rest]
    )


_check = full_clean_or_error


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(message, field=field)


# Sites


# /sites/new/ is the create page, so no site may be reached at that address.
RESERVED_SITE_SLUGS = {"new"}


def _check_site_slug(site: Site) -> None:
    if site.slug in RESERVED_SITE_SLUGS:
        raise _invalid(
            "slug",
            f"“{site.slug}” is reserved for the page that adds a school. Choose a "
            "different web address, such as the school's name.",
        )
    if Site.objects.filter(slug=site.slug).exclude(pk=site.pk).exists():
        raise _invalid(
            "slug",
            f"Another school already uses this web address (“{site.slug}”). "
            "Choose a different one.",
        )


@transaction.atomic
def site_create(
    *, actor, name: str, slug: str, address: str, postcode: str, **fields
) -> Site:
    """Create a site (platform admins). Optional `fields` are any of SITE_FIELDS."""
    require_perm(actor, "hub.add_site")
    site = Site(name=name, slug=slug, address=address, postcode=postcode)
    _assign(site, fields, SITE_FIELDS)
    _check_site_slug(site)
    _check(site, validate_unique=False)
    site.save()
    audit_record(
        actor=actor,
        action="site.created",
        obj=site,
        changes=diff({}, snapshot(site, SITE_FIELDS)),
    )
    return site


@transaction.atomic
def site_update(*, actor, site: Site, **fields) -> Site:
    """Change any of SITE_FIELDS; nothing is saved if one is invalid."""
    require_perm(actor, "hub.change_site", site)
    before = snapshot(site, fields)
    _assign(site, fields, SITE_FIELDS)
    _check_site_slug(site)
    _check(site, validate_unique=False)
    site.save()
    audit_record(
        actor=actor,
        action="site.changed",
        obj=site,
        changes=diff(before, snapshot(site, fields)),
    )
    return site


def _hours_text(rows) -> dict[str, str]:
    return {
        WEEKDAY_NAMES[r.weekday]: f"{r.opens_at:%H:%M}-{r.closes_at:%H:%M}"
        for r in rows
    }


@transaction.atomic
def opening_hours_set(
    *, actor, site: Site, hours: dict[int, tuple[dt.time, dt.time] | None]
) -> list[OpeningHours]:
    """Replace the site's community opening hours.

    `hours` maps weekday (0 = Monday) to (opens_at, closes_at) local times, or
    None for closed; weekdays not given are closed.
    """
    require_perm(actor, "hub.change_site", site)
    rows = []
    for weekday, times in sorted(hours.items()):
        if times is None:
            continue
        row = OpeningHours(
            site=site, weekday=weekday, opens_at=times[0], closes_at=times[1]
        )
        _check_hours(row)
        rows.append(row)
    old = OpeningHours.objects.filter(site=site)
    before = {day: "closed" for day in WEEKDAY_NAMES.values()} | _hours_text(old)
    old.delete()
    rows = OpeningHours.objects.bulk_create(rows)
    after = {day: "closed" for day in WEEKDAY_NAMES.values()} | _hours_text(rows)
    audit_record(
        actor=actor,
        action="site.opening_hours_set",
        obj=site,
        changes=diff(before, after),
    )
    return rows


def _check_hours(row: OpeningHours) -> None:
    day = WEEKDAY_NAMES.get(row.weekday)
    if day is None:
        raise _invalid("weekday", "Weekday must be 0 (Monday) to 6 (Sunday).")
    if row.closes_at <= row.opens_at:
        raise _invalid(
            "closes_at",
            f"{day}: the closing time ({row.closes_at:%H:%M}) must be after the "
            f"opening time ({row.opens_at:%H:%M}). Leave both empty if the school "
            "is closed that day.",
        )


# Rooms


def _check_room_slug(room: Room) -> None:
    clash = Room.objects.filter(site_id=room.site_id, slug=room.slug)
    if clash.exclude(pk=room.pk).exists():
        raise _invalid(
            "slug",
            f"This school already has a room at “{room.slug}”. "
            "Choose a different web address.",
        )


def _feature_slugs(room: Room) -> list[str]:
    return sorted(room.features.values_list("slug", flat=True))


@transaction.atomic
def room_create(
    *,
    actor,
    site: Site,
    name: str,
    slug: str,
    capacity: int,
    features: Iterable[RoomFeature] = (),
    **fields,
) -> Room:
    """Create a room. Rates are in pence. Its booking calendar is made on first
    use (bookings.scheduling.room_calendar)."""
    require_perm(actor, "hub.add_room", site)
    room = Room(site=site, name=name, slug=slug, capacity=capacity)
    _assign(room, fields, ROOM_FIELDS)
    _check_room_slug(room)
    _check(room, validate_unique=False)
    room.save()
    room.features.set(features)
    after = snapshot(room, ROOM_FIELDS) | {"features": _feature_slugs(room)}
    audit_record(actor=actor, action="room.created", obj=room, changes=diff({}, after))
    return room


@transaction.atomic
def room_update(
    *, actor, room: Room, features: Iterable[RoomFeature] | None = None, **fields
) -> Room:
    """Change any of ROOM_FIELDS (and the features, when given)."""
    require_perm(actor, "hub.change_room", room)
    before = snapshot(room, fields) | {"features": _feature_slugs(room)}
    _assign(room, fields, ROOM_FIELDS)
    _check_room_slug(room)
    _check(room, validate_unique=False)
    room.save()
    if features is not None:
        room.features.set(features)
    after = snapshot(room, fields) | {"features": _feature_slugs(room)}
    audit_record(
        actor=actor, action="room.changed", obj=room, changes=diff(before, after)
    )
    return room


# Terms, holidays and closures


def _owner_q(*, site: Site | None, trust: Trust | None) -> Q:
    """Periods that share a calendar with this site or trust."""
    if site is not None:
        q = Q(site=site)
        return q | Q(trust_id=site.trust_id) if site.trust_id else q
    return Q(trust=trust) | Q(site__trust=trust)


def term_assert_no_overlap(*, term: Term) -> None:
    """DomainError on starts_on if `term` overlaps a term sharing its calendar."""
    overlapping = (
        Term.objects.filter(_owner_q(site=term.site, trust=term.trust))
        .filter(starts_on__lte=term.ends_on, ends_on__gte=term.starts_on)
        .exclude(pk=term.pk)
        .first()
    )
    if overlapping is not None:
        raise _invalid(
            "starts_on",
            f"These dates overlap {overlapping}. Change the dates so that this "
            "term starts after the other one ends.",
        )


PERIOD_FIELDS = ("site", "trust", "name", "starts_on", "ends_on")
CLOSURE_FIELDS = ("site", "reason", "starts_on", "ends_on")


def _date_create(*, actor, entry, fields, extra_check=None):
    """Check permission and the dates, save `entry` and audit it."""
    require_perm(
        actor, "hub.manage_calendar", entry.site or getattr(entry, "trust", None)
    )
    _check(entry)
    if extra_check is not None:
        extra_check(entry)
    entry.save()
    audit_record(
        actor=actor,
        action=f"{entry._meta.model_name}.created",
        obj=entry,
        changes=diff({}, snapshot(entry, fields)),
    )
    return entry


def _date_delete(*, actor, entry, fields) -> None:
    require_perm(actor, "hub.manage_calendar", entry)
    audit_record(
        actor=actor,
        action=f"{entry._meta.model_name}.deleted",
        obj=entry,
        changes=diff(snapshot(entry, fields), {}),
    )
    entry.delete()


@transaction.atomic
def term_create(
    *,
    actor,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    site: Site | None = None,
    trust: Trust | None = None,
) -> Term:
    """A term for one site or shared by a trust. Terms of one site never overlap."""
    term = Term(site=site, trust=trust, name=name, starts_on=starts_on, ends_on=ends_on)
    return _date_create(
        actor=actor,
        entry=term,
        fields=PERIOD_FIELDS,
        extra_check=lambda t: term_assert_no_overlap(term=t),
    )


@transaction.atomic
def holiday_create(
    *,
    actor,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    site: Site | None = None,
    trust: Trust | None = None,
) -> Holiday:
    holiday = Holiday(
        site=site, trust=trust, name=name, starts_on=starts_on, ends_on=ends_on
    )
    return _date_create(actor=actor, entry=holiday, fields=PERIOD_FIELDS)


@transaction.atomic
def closure_create(
    *, actor, site: Site, reason: str, starts_on: dt.date, ends_on: dt.date
) -> Closure:
    closure = Closure(site=site, reason=reason, starts_on=starts_on, ends_on=ends_on)
    return _date_create(actor=actor, entry=closure, fields=CLOSURE_FIELDS)


@transaction.atomic
def term_delete(*, actor, term: Term) -> None:
    _date_delete(actor=actor, entry=term, fields=PERIOD_FIELDS)


@transaction.atomic
def holiday_delete(*, actor, holiday: Holiday) -> None:
    _date_delete(actor=actor, entry=holiday, fields=PERIOD_FIELDS)


@transaction.atomic
def closure_delete(*, actor, closure: Closure) -> None:
    _date_delete(actor=actor, entry=closure, fields=CLOSURE_FIELDS)


# Staff roles


@transaction.atomic
def staff_role_assign(*, actor, site: Site, user: User, role: str) -> StaffRole:
    """Give `user` a role at `site` (platform admins). Holding it already is an error."""
    require_perm(actor, "hub.assign_roles", site)
    if role not in StaffRole.Role.values:
        raise _invalid("role", "Choose business manager, site staff or link worker.")
    if StaffRole.objects.filter(site=site, user=user, role=role).exists():
        label = StaffRole.Role(role).label.lower()
        raise _invalid("email", f"{user.email} is already a {label} at {site.name}.")
    staff_role = StaffRole.objects.create(site=site, user=user, role=role)
    audit_record(
        actor=actor,
        action="staff_role.given",
        obj=staff_role,
        changes={"user": [None, user.get_username()], "role": [None, role]},
    )
    return staff_role


@transaction.atomic
def staff_role_remove(*, actor, staff_role: StaffRole) -> None:
    require_perm(actor, "hub.assign_roles", staff_role.site)
    audit_record(
        actor=actor,
        action="staff_role.removed",
        obj=staff_role,
        changes={
            "user": [staff_role.user.get_username(), None],
            "role": [staff_role.role, None],
        },
    )
    staff_role.delete()
