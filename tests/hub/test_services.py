"""hub.services: happy paths, and every bad-input case saves nothing. The
permission and audit cases are in test_services_audit.py."""

import datetime as dt

import pytest

from hub import services
from hub.errors import DomainError
from hub.models import (
    Closure,
    Holiday,
    OpeningHours,
    Room,
    RoomFeature,
    Site,
    Term,
    Trust,
)
from tests.factories import TermFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = {
    "name": "Oakwood Primary",
    "slug": "oakwood",
    "address": "2 Oak Road\nLeeds",
    "postcode": "ls6 2ab",
}


def _messages(exc: pytest.ExceptionInfo, field: str) -> str:
    assert exc.value.field == field
    return exc.value.message


@pytest.fixture
def actor(admin_user):
    return admin_user


def test_site_create_normalises_the_postcode_and_defaults_to_london(actor):
    site = services.site_create(actor=actor, **SITE, area="Headingley")
    assert (site.postcode, site.timezone, site.area) == (
        "LS6 2AB",
        "Europe/London",
        "Headingley",
    )


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("postcode", "NOT A CODE", "Enter a real UK postcode"),
        ("timezone", "Europe/Leeds", "Use an IANA name like Europe/London"),
    ],
)
def test_site_create_rejects_bad_fields(field, value, expected, actor):
    with pytest.raises(DomainError) as exc:
        services.site_create(actor=actor, **{**SITE, field: value})
    assert expected in _messages(exc, field)
    assert not Site.objects.exists()


def test_site_slug_must_be_unique(site, actor):
    with pytest.raises(DomainError) as exc:
        services.site_create(actor=actor, **{**SITE, "slug": site.slug})
    assert "Choose a different one" in _messages(exc, "slug")
    assert Site.objects.count() == 1


def test_site_update_with_a_bad_time_zone_changes_nothing(site, actor):
    with pytest.raises(DomainError):
        services.site_update(
            actor=actor, site=site, name="Renamed", timezone="Mars/Olympus"
        )
    site.refresh_from_db()
    assert (site.name, site.timezone) == ("Hillside Primary", "Europe/London")


def test_room_create_leaves_the_calendar_to_bookings(site, actor):
    kitchen = RoomFeature.objects.get(slug="kitchen")
    room = services.room_create(
        actor=actor,
        site=site,
        name="Kitchen",
        slug="kitchen",
        capacity=12,
        features=[kitchen],
        rate_evening_pence=2500,
    )
    room.refresh_from_db()
    # bookings.scheduling.room_calendar makes it on first use: hub never
    # imports django-scheduler.
    assert room.calendar_id is None
    assert list(room.features.all()) == [kitchen]
    assert room.rate_evening_pence == 2500


@pytest.mark.parametrize("capacity", [0, -3])
def test_room_capacity_must_be_at_least_one(site, capacity, actor):
    with pytest.raises(DomainError) as exc:
        services.room_create(
            actor=actor, site=site, name="Hall", slug="hall", capacity=capacity
        )
    assert "at least 1" in _messages(exc, "capacity")
    assert not Room.objects.exists()


def test_room_slug_is_unique_per_site_only(site, other_site, room, actor):
    services.room_create(
        actor=actor, site=other_site, name="Main hall", slug=room.slug, capacity=5
    )
    with pytest.raises(DomainError) as exc:
        services.room_create(
            actor=actor, site=site, name="Hall 2", slug=room.slug, capacity=5
        )
    assert "already has a room" in _messages(exc, "slug")
    assert Room.objects.filter(site=site).count() == 1


def test_room_update_keeps_features_unless_given(room, actor):
    room.features.set(RoomFeature.objects.filter(slug="av"))
    services.room_update(actor=actor, room=room, capacity=70)
    room.refresh_from_db()
    assert room.capacity == 70
    assert [f.slug for f in room.features.all()] == ["av"]


def test_opening_hours_replace_the_week(site, actor):
    services.opening_hours_set(
        actor=actor, site=site, hours={2: (dt.time(18), dt.time(21))}
    )
    assert [(h.weekday, h.opens_at) for h in site.opening_hours.all()] == [
        (2, dt.time(18))
    ]


def test_opening_hours_closing_before_opening_saves_nothing(site, actor):
    before = OpeningHours.objects.filter(site=site).count()
    with pytest.raises(DomainError) as exc:
        services.opening_hours_set(
            actor=actor,
            site=site,
            hours={0: (dt.time(9), dt.time(17)), 1: (dt.time(18), dt.time(17))},
        )
    assert "Tuesday: the closing time (17:00) must be after" in _messages(
        exc, "closes_at"
    )
    assert OpeningHours.objects.filter(site=site).count() == before


def test_term_ending_before_it_starts_is_rejected(site, actor):
    with pytest.raises(DomainError) as exc:
        services.term_create(
            actor=actor,
            site=site,
            name="Spring",
            starts_on=dt.date(2027, 4, 1),
            ends_on=dt.date(2027, 1, 5),
        )
    assert "on or after the start date" in _messages(exc, "ends_on")
    assert not Term.objects.exists()


def test_terms_of_one_site_must_not_overlap(site, other_site, actor):
    TermFactory(site=site, starts_on=dt.date(2026, 9, 3), ends_on=dt.date(2026, 12, 18))
    services.term_create(
        actor=actor,  # another school may have its own dates
        site=other_site,
        name="Autumn",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 20),
    )
    with pytest.raises(DomainError) as exc:
        services.term_create(
            actor=actor,
            site=site,
            name="Late autumn",
            starts_on=dt.date(2026, 12, 18),
            ends_on=dt.date(2026, 12, 22),
        )
    assert "overlap Autumn term" in _messages(exc, "starts_on")
    assert Term.objects.filter(site=site).count() == 1


def test_a_term_shared_by_the_trust_counts_as_overlapping(site, actor):
    trust = Trust.objects.create(name="Leeds Learning Trust", slug="llt")
    site.trust = trust
    site.save()
    TermFactory(site=None, trust=trust, name="Trust autumn term")
    with pytest.raises(DomainError) as exc:
        services.term_create(
            actor=actor,
            site=site,
            name="Own term",
            starts_on=dt.date(2026, 10, 1),
            ends_on=dt.date(2026, 10, 2),
        )
    assert "Trust autumn term" in _messages(exc, "starts_on")
    with pytest.raises(DomainError):  # and the other way round
        services.term_create(
            actor=actor,
            trust=trust,
            name="Another",
            starts_on=dt.date(2026, 12, 1),
            ends_on=dt.date(2027, 1, 1),
        )


def test_holidays_and_closures_reject_backwards_dates(site, actor):
    bad = {"starts_on": dt.date(2026, 11, 5), "ends_on": dt.date(2026, 11, 4)}
    with pytest.raises(DomainError):
        services.holiday_create(actor=actor, site=site, name="Half term", **bad)
    with pytest.raises(DomainError) as exc:
        services.closure_create(actor=actor, site=site, reason="Polling", **bad)
    assert "on or after the start date" in _messages(exc, "ends_on")
    assert not Holiday.objects.exists()
    assert not Closure.objects.exists()


def test_staff_role_cannot_be_given_twice(site, manager, actor):
    with pytest.raises(DomainError) as exc:
        services.staff_role_assign(
            actor=actor, site=site, user=manager, role="business_manager"
        )
    assert "already a business manager" in _messages(exc, "email")
    role = services.staff_role_assign(
        actor=actor, site=site, user=UserFactory(), role="link_worker"
    )
    assert role.get_role_display() == "Link worker"


def test_site_slug_new_is_reserved_for_the_create_page(actor):
    with pytest.raises(DomainError) as exc:
        services.site_create(actor=actor, **{**SITE, "slug": "new"})
    assert "Choose a different web address" in _messages(exc, "slug")
    assert not Site.objects.exists()
