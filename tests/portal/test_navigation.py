"""The navigation shows each link exactly when the person holds the permission
that guards its page: it asks has_perm and derives no rule of its own."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from hub.models import StaffRole
from portal.context_processors import STAFF_LINKS, navigation
from tests.activities.factories import HouseholdFactory
from tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db


def _labels(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [link["label"] for link in navigation(request)["nav_links"]]


@pytest.fixture
def caretaker(site):
    return StaffRoleFactory(
        site=site, role=StaffRole.Role.SITE_STAFF, user__username="ct"
    ).user


@pytest.fixture
def parent(db):
    return HouseholdFactory().user


@pytest.fixture
def deny(monkeypatch):
    """Switch one declared permission off for the test."""

    def _deny(name: str) -> None:
        monkeypatch.setitem(rules.permissions.permissions, name, rules.always_deny)

    return _deny


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "manager",
            {
                "Dashboard",
                "Room requests",
                "Partners",
                "Income",
                "Reports",
                "Lettings sheet",
            },
        ),
        # Superusers hold every permission; the sheet needs a school to point at.
        (
            "admin_user",
            {
                "Dashboard",
                "Room requests",
                "Partners",
                "Income",
                "Reports",
                "Referrals",
                "Find a room",
                "Invoices",
            },
        ),
        ("caretaker", {"Lettings sheet"}),
        ("link_worker", {"Referrals", "Reports"}),
        (
            "partner_user",
            {
                "Find a room",
                "Our bookings",
                "Our activities",
                "Our organisation",
                "Invoices",
                "Reports",
            },
        ),
        ("parent", {"Your family"}),
        ("outsider", set()),
    ],
)
def test_each_role_sees_the_links_it_may_open(request, who, expected):
    user = request.getfixturevalue(who)
    assert set(_labels(user)) == {"Activities", "Schools"} | expected


def test_anonymous_sees_the_public_pages():
    assert _labels(AnonymousUser()) == ["Activities", "Schools", "Partners"]


@pytest.mark.parametrize(("label", "url_name", "perm"), STAFF_LINKS)
def test_a_staff_link_follows_its_permission(manager, deny, label, url_name, perm):
    assert label in _labels(manager)
    deny(perm)
    assert label not in _labels(manager)


@pytest.mark.parametrize(
    ("perm", "who", "labels"),
    [
        ("bookings.view_sheet", "caretaker", {"Lettings sheet"}),
        ("activities.refer_household", "link_worker", {"Referrals"}),
        ("partners.view_partner_private", "partner_user", {"Our organisation"}),
        ("activities.view_household", "parent", {"Your family"}),
    ],
)
def test_object_links_follow_their_permission(request, deny, perm, who, labels):
    user = request.getfixturevalue(who)
    assert labels <= set(_labels(user))
    deny(perm)
    assert not labels & set(_labels(user))


def test_the_links_point_at_the_pages(manager, site):
    request = RequestFactory().get("/")
    request.user = manager
    urls = {link["label"]: link["url"] for link in navigation(request)["nav_links"]}
    assert urls["Dashboard"] == reverse("portal:dashboard")
    assert urls["Lettings sheet"] == reverse("bookings:sheet", args=[site.pk])
