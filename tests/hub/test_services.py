"""hub.services: happy paths, and every bad-input case saves nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hub import services
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
from tests.factories import SiteFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = {
    "name": "Oakwood Primary",
    "slug": "oakwood",
    "address": "2 Oak Road\nLeeds",
    "postcode": "ls6 2ab",
}


def _messages(exc: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


def test_site_create_normalises_the_postcode_and_defaults_to_london():
    site = services.site_create(**SITE, area="Headingley")
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
def test_site_create_rejects_bad_fields(field, value, expected):
    with pytest.raises(ValidationError) as exc:
        services.site_create(**{**SITE, field: value})
    assert expected in _messages(exc, field)
    assert not Site.objects.exists()


def test_site_slug_must_be_unique(site):
    with pytest.raises(ValidationError) as exc:
        services.site_create(**{**SITE, "slug": site.slug})
    assert "Choose a different one" in _messages(exc, "slug")
    assert Site.objects.count() == 1


def test_site_update_with_a_bad_time_zone_changes_nothing(site):
    with pytest.raises(ValidationError):
        services.site_update(site=site, name="Renamed", timezone="Mars/Olympus")
    site.refresh_from_db()
    assert (site.name, site.timezone) == ("Hillside Primary", "Europe/London")


def test_room_create_makes_its_calendar(site):
    kitchen = RoomFeature.objects.get(slug="kitchen")
    room = services.room_create(
        site=site,
        name="Kitchen",
        slug="kitchen",
        capacity=12,
        features=[kitchen],
        rate_evening_pence=2500,
    )
    room.refresh_from_db()
    assert room.calendar.slug == "room-hillside-kitchen"
    assert list(room.features.all()) == [kitchen]
    assert room.rate_evening_pence == 2500


def test_room_calendar_slugs_never_collide():
    a = SiteFactory(slug="a-b")
    b = SiteFactory(slug="a")
    first = services.room_create(site=a, name="C", slug="c", capacity=5)
    second = services.room_create(site=b, name="B C", slug="b-c", capacity=5)
    assert first.calendar.slug == "room-a-b-c"
    assert second.calendar.slug == "room-a-b-c-2"


@pytest.mark.parametrize("capacity", [0, -3])
def test_room_capacity_must_be_at_least_one(site, capacity):
    with pytest.raises(ValidationError) as exc:
        services.room_create(site=site, name="Hall", slug="hall", capacity=capacity)
    assert "at least 1" in _messages(exc, "capacity")
    assert not Room.objects.exists()


def test_room_slug_is_unique_per_site_only(site, other_site, room):
    services.room_create(site=other_site, name="Main hall", slug=room.slug, capacity=5)
    with pytest.raises(ValidationError) as exc:
        services.room_create(site=site, name="Hall 2", slug=room.slug, capacity=5)
    assert "already has a room" in _messages(exc, "slug")
    assert Room.objects.filter(site=site).count() == 1


def test_room_update_keeps_features_unless_given(room):
    room.features.set(RoomFeature.objects.filter(slug="av"))
    services.room_update(room=room, capacity=70)
    room.refresh_from_db()
    assert room.capacity == 70
    assert [f.slug for f in room.features.all()] == ["av"]


def test_opening_hours_replace_the_week(site):
    services.opening_hours_set(site=site, hours={2: (dt.time(18), dt.time(21))})
    assert [(h.weekday, h.opens_at) for h in site.opening_hours.all()] == [
        (2, dt.time(18))
    ]


def test_opening_hours_closing_before_opening_saves_nothing(site):
    before = OpeningHours.objects.filter(site=site).count()
    with pytest.raises(ValidationError) as exc:
        services.opening_hours_set(
            site=site,
            hours={0: (dt.time(9), dt.time(17)), 1: (dt.time(18), dt.time(17))},
        )
    assert "Tuesday: the closing time (17:00) must be after" in _messages(
        exc, "closes_at"
    )
    assert OpeningHours.objects.filter(site=site).count() == before


def test_term_ending_before_it_starts_is_rejected(site):
    with pytest.raises(ValidationError) as exc:
        services.term_create(
            site=site,
            name="Spring",
            starts_on=dt.date(2027, 4, 1),
            ends_on=dt.date(2027, 1, 5),
        )
    assert "on or after the start date" in _messages(exc, "ends_on")
    assert not Term.objects.exists()


def test_terms_of_one_site_must_not_overlap(site, other_site):
    TermFactory(site=site, starts_on=dt.date(2026, 9, 3), ends_on=dt.date(2026, 12, 18))
    services.term_create(  # another school may have its own dates
        site=other_site,
        name="Autumn",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 20),
    )
    with pytest.raises(ValidationError) as exc:
        services.term_create(
            site=site,
            name="Late autumn",
            starts_on=dt.date(2026, 12, 18),
            ends_on=dt.date(2026, 12, 22),
        )
    assert "overlap Autumn term" in _messages(exc, "starts_on")
    assert Term.objects.filter(site=site).count() == 1


def test_a_term_shared_by_the_trust_counts_as_overlapping(site):
    trust = Trust.objects.create(name="Leeds Learning Trust", slug="llt")
    site.trust = trust
    site.save()
    TermFactory(site=None, trust=trust, name="Trust autumn term")
    with pytest.raises(ValidationError) as exc:
        services.term_create(
            site=site,
            name="Own term",
            starts_on=dt.date(2026, 10, 1),
            ends_on=dt.date(2026, 10, 2),
        )
    assert "Trust autumn term" in _messages(exc, "starts_on")
    with pytest.raises(ValidationError):  # and the other way round
        services.term_create(
            trust=trust,
            name="Another",
            starts_on=dt.date(2026, 12, 1),
            ends_on=dt.date(2027, 1, 1),
        )


def test_holidays_and_closures_reject_backwards_dates(site):
    bad = {"starts_on": dt.date(2026, 11, 5), "ends_on": dt.date(2026, 11, 4)}
    with pytest.raises(ValidationError):
        services.holiday_create(site=site, name="Half term", **bad)
    with pytest.raises(ValidationError) as exc:
        services.closure_create(site=site, reason="Polling", **bad)
    assert "on or after the start date" in _messages(exc, "ends_on")
    assert not Holiday.objects.exists()
    assert not Closure.objects.exists()


def test_staff_role_cannot_be_given_twice(site, manager):
    with pytest.raises(ValidationError) as exc:
        services.staff_role_assign(site=site, user=manager, role="business_manager")
    assert "already a business manager" in _messages(exc, "email")
    role = services.staff_role_assign(site=site, user=UserFactory(), role="link_worker")
    assert role.get_role_display() == "Link worker"


def test_site_slug_new_is_reserved_for_the_create_page():
    with pytest.raises(ValidationError) as exc:
        services.site_create(**{**SITE, "slug": "new"})
    assert "Choose a different web address" in _messages(exc, "slug")
    assert not Site.objects.exists()
