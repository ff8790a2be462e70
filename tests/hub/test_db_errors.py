"""No constraint text reaches a person: every constraint explains itself in
plain English, a real violation raised by the database becomes a DomainError
with that message on the right field, and a page or the API shows it.

The forms and serializers check the same rules first, so to reach a constraint
the tests below bypass them (a direct `.objects.create` / `.update()`, or the
service's own pre-check switched off, as a concurrent request would)."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from hub import services
from hub.db_errors import all_constraints, constraint_field, domain_error_for
from hub.errors import DomainError
from hub.models import Closure, Room, StaffRole
from partners.models import Partner, PartnerMembership
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "constraint"),
    all_constraints(),
    ids=lambda v: getattr(v, "name", getattr(v, "__name__", "")),
)
def test_every_constraint_explains_itself_and_names_a_field(model, constraint):
    message = str(constraint.get_violation_error_message())
    assert constraint.violation_error_message not in (
        None,
        constraint.default_violation_error_message,
    )
    assert "constraint" not in message.lower()
    assert constraint.name not in message
    field = constraint_field(model, constraint)
    assert field in {f.name for f in model._meta.get_fields()}


def _violation(action) -> IntegrityError:
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        action()
    return exc.value


def _translated(action, model, name) -> DomainError:
    error = domain_error_for(_violation(action))
    constraint = next(c for c in model._meta.constraints if c.name == name)
    assert isinstance(error, DomainError)
    assert error.message == constraint.get_violation_error_message()
    assert error.field == constraint_field(model, constraint)
    assert name not in error.message
    return error


def test_a_room_capacity_below_one(room):
    error = _translated(
        lambda: Room.objects.filter(pk=room.pk).update(capacity=0),
        Room,
        "room_capacity_positive",
    )
    assert (error.field, error.message) == (
        "capacity",
        "Capacity must be at least 1 person.",
    )


def test_a_repeated_room_address(room):
    error = _translated(
        lambda: RoomFactory(site=room.site, slug=room.slug),
        Room,
        "room_slug_unique_per_site",
    )
    assert error.field == "slug"


def test_a_closure_ending_before_it_starts(site):
    import datetime as dt

    _translated(
        lambda: Closure.objects.create(
            site=site,
            reason="Works",
            starts_on=dt.date(2030, 1, 2),
            ends_on=dt.date(2030, 1, 1),
        ),
        Closure,
        "closure_ends_after_start",
    )


def test_a_repeated_staff_role(site, manager):
    _translated(
        lambda: StaffRole.objects.create(
            site=site, user=manager, role=StaffRole.Role.BUSINESS_MANAGER
        ),
        StaffRole,
        "staff_role_unique",
    )


def test_a_repeated_school_or_partner_address(site, partner):
    from hub.models import Site
    from tests.factories import PartnerFactory, SiteFactory

    error = _translated(lambda: SiteFactory(slug=site.slug), Site, "site_slug_unique")
    assert error.field == "slug"
    _translated(
        lambda: PartnerFactory(slug=partner.slug), Partner, "partner_slug_unique"
    )


def test_partner_discount_and_membership(partner, partner_user):
    _translated(
        lambda: Partner.objects.filter(pk=partner.pk).update(
            charity_discount_percent=101
        ),
        Partner,
        "partner_discount_at_most_100",
    )
    _translated(
        lambda: PartnerMembership.objects.create(partner=partner, user=partner_user),
        PartnerMembership,
        "membership_unique",
    )


@pytest.fixture
def no_slug_precheck(monkeypatch):
    """As if another request took the address between the check and the save."""
    monkeypatch.setattr(services, "_check_room_slug", lambda room: None)


ROOM_POST = {
    "name": "Second hall",
    "description": "",
    "capacity": "12",
    "accessibility_notes": "",
    "rate_daytime": "0",
    "rate_evening": "0",
    "rate_weekend": "0",
    "setup_buffer_minutes": "15",
    "cleardown_buffer_minutes": "15",
}


def test_the_room_page_shows_the_plain_message_on_the_field(
    client, manager, room, no_slug_precheck
):
    client.force_login(manager)
    url = reverse("hub:room-add", args=[room.site.slug])
    response = client.post(url, {**ROOM_POST, "slug": room.slug})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_slug"' in body
    assert "this school already has a room at that address" in body
    assert "room_slug_unique_per_site" not in body
    assert "UNIQUE" not in body and "onstraint" not in body
    assert Room.objects.filter(site=room.site).count() == 1


def test_the_api_answers_400_with_the_plain_message(manager, room, no_slug_precheck):
    other = RoomFactory(site=room.site, slug="studio")
    api = APIClient()
    api.force_authenticate(manager)
    response = api.patch(
        f"/api/v1/rooms/{other.pk}/", {"slug": room.slug}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"] == {
        "slug": [
            "Web address: this school already has a room at that address. "
            "Choose a different one."
        ]
    }
    assert "room_slug_unique_per_site" not in response.content.decode()
    assert "onstraint" not in response.content.decode()
    other.refresh_from_db()
    assert other.slug == "studio"
