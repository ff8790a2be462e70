"""The booking list selectors agree with the rules (issue 7, point 4): for
every role, `bookings_visible(actor=user)` returns exactly the bookings for
which `user.has_perm("bookings.view_booking", booking)` is True, and the
approval queue exactly the pending ones they may decide."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from bookings import selectors
from bookings.models import Booking
from bookings.services import booking_approve
from hub.errors import NotFound
from hub.models import StaffRole
from tests.factories import (
    ComplianceDocumentFactory,
    PartnerMembershipFactory,
    RoomFactory,
    StaffRoleFactory,
)

ROLES = [
    "anonymous",
    "partner staff",
    "other partner",
    "business manager",
    "other manager",
    "site staff",
    "link worker",
    "outsider",
    "admin",
]


@pytest.fixture
def world(request_booking, site, other_site, partner, other_partner, manager):
    """Pending and approved bookings of two partners at two sites."""
    there = RoomFactory(site=other_site)
    request_booking(title="Ours, pending")
    booking_approve(
        booking=request_booking(title="Ours, approved", start=_t(16), end=_t(17)),
        approved_by=manager,
    )
    request_booking(title="Ours, elsewhere", room=there)
    request_booking(
        title="Theirs",
        partner=other_partner,
        user=_member(other_partner),
        start=_t(20),
        end=_t(21),
    )


def _t(hour):
    return dt.time(hour)


def _member(partner):
    ComplianceDocumentFactory(partner=partner)  # insured, so it may book
    return PartnerMembershipFactory(partner=partner).user


def _user(role, request, site):
    if role == "anonymous":
        return AnonymousUser()
    if role == "site staff":
        return StaffRoleFactory(site=site, role=StaffRole.Role.SITE_STAFF).user
    fixture = {
        "partner staff": "partner_user",
        "other partner": "other_partner_user",
        "business manager": "manager",
        "other manager": "other_manager",
        "link worker": "link_worker",
        "outsider": "outsider",
        "admin": "admin_user",
    }[role]
    return request.getfixturevalue(fixture)


@pytest.mark.parametrize("role", ROLES)
def test_visible_bookings_match_view_booking(world, role, request, site):
    user = _user(role, request, site)
    expected = {
        b.pk for b in Booking.objects.all() if user.has_perm("bookings.view_booking", b)
    }
    assert {b.pk for b in selectors.bookings_visible(actor=user)} == expected
    if role != "anonymous":
        listed = selectors.booking_list(actor=user)
        assert {b.pk for b in listed} == expected
    # The approve and decline endpoints' lean read states the same rule in
    # Python (to skip a query): it must find exactly the same bookings.
    assert {b.pk for b in Booking.objects.all() if _finds_for_decision(b, user)} == (
        expected
    )


def _finds_for_decision(booking, user) -> bool:
    try:
        selectors.booking_for_decision(booking_id=booking.pk, actor=user)
    except NotFound:
        return False
    return True


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_queue_matches_decide_booking(world, role, request, site):
    user = _user(role, request, site)
    expected = {
        b.pk
        for b in Booking.objects.filter(status=Booking.Status.PENDING)
        if user.has_perm("bookings.decide_booking", b)
    }
    assert {r.booking.pk for r in selectors.approval_queue(actor=user)} == expected
