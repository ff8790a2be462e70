"""What a caller may not see is a 404, on pages and in the API, whatever they
try to do with it: they do not learn that it exists. 403 is only for an object
the caller may see but not act on (issue 12, point 6).

Each unseen object is tried by anonymous, a signed-in outsider and another
partner's staff (reads and writes); then one "seen but not theirs" case checks
the 403 is still there where it belongs.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import Activity
from bookings.models import Booking
from partners.models import Partner
from tests.activities.factories import approved_booking, family, make_activity, sign_up
from tests.factories import (
    ComplianceDocumentFactory,
    PartnerFactory,
    PartnerMembershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def strangers(outsider, other_partner_user):
    """Anonymous (None), a signed-in outsider, another partner's staff."""
    return [None, outsider, other_partner_user]


def _page(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _page_status(user, method, url, data=None) -> int:
    response = getattr(_page(user), method)(url, data or {})
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return 401  # signed out: sent to sign in first, which tells nothing
    return response.status_code


def _api_status(user, method, url, data=None) -> int:
    client = _api(user)
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, data or {}, format="json")
    if response.status_code == 404:
        assert response.json()["error"]["code"] == "not_found"
    return response.status_code


# Partner applications (and suspended partners)


@pytest.mark.parametrize("status", [Partner.Status.APPLIED, Partner.Status.SUSPENDED])
def test_a_partner_not_approved_is_404_to_those_who_may_not_see_it(
    status, strangers, manager
):
    hidden = PartnerFactory(status=status, slug="new-charity")
    ComplianceDocumentFactory(partner=hidden)
    own = PartnerMembershipFactory(partner=hidden).user
    page = reverse("partners:detail", args=[hidden.slug])
    decide = reverse("partners:decide", args=[hidden.slug])
    api = f"/api/v1/partners/{hidden.pk}/"
    for user in strangers:
        assert _page_status(user, "get", page) == 404, user
        assert _api_status(user, "get", api) == 404, user
        assert _page_status(user, "post", decide, {"decision": "approve"}) in {
            401,
            404,
        }
        for action in ("approve", "suspend", "reinstate"):
            url = f"{api}{action}/"
            assert _api_status(user, "post", url, {"reason": "x"}) in {401, 404}
    # Those who may see it still do.
    assert _page_status(own, "get", page) == 200
    assert _page_status(manager, "get", page) == 200
    assert _api_status(manager, "get", api) == 200
    # Its own staff see it but may not decide on it: 403, not 404.
    assert _api_status(own, "post", f"{api}approve/", {"reason": "x"}) == 403


def test_an_approved_partner_is_public(strangers, partner):
    for user in strangers:
        page = reverse("partners:detail", args=[partner.slug])
        assert _page_status(user, "get", page) == 200
        assert _api_status(user, "get", f"/api/v1/partners/{partner.pk}/") == 200


def test_a_compliance_document_is_404_to_other_organisations(partner, strangers):
    document = partner.documents.get()
    url = reverse("partners:document", args=[document.pk])
    verify = reverse("partners:document-verify", args=[document.pk])
    for user in strangers[1:]:
        assert _page_status(user, "get", url) == 404
        assert _page_status(user, "post", verify) == 404


# Bookings


def test_another_partners_booking_is_404(partner, other_partner_user, outsider):
    booking = approved_booking(partner=partner, status=Booking.Status.PENDING)
    for user in (other_partner_user, outsider):
        assert (
            _page_status(user, "get", reverse("bookings:detail", args=[booking.pk]))
            == 404
        )
        for action in ("approve", "decline", "cancel"):
            url = reverse(f"bookings:{action}", args=[booking.pk])
            assert _page_status(user, "post", url, {"reason": "x"}) == 404
        api = f"/api/v1/bookings/{booking.pk}/"
        assert _api_status(user, "get", api) == 404
        bodies = {"approve": {}, "decline": {"reason": "x"}, "cancel": {"reason": "x"}}
        for action, body in bodies.items():
            assert _api_status(user, "post", f"{api}{action}/", body) == 404


# Activities


@pytest.mark.parametrize("status", [Activity.Status.DRAFT])
def test_a_draft_activity_is_404_to_all_but_its_organisation(
    status, partner, partner_user, strangers
):
    activity = make_activity(booking=approved_booking(partner=partner), status=status)
    pages = [
        ("get", reverse("activities:detail", args=[activity.pk])),
        ("get", reverse("activities:manage", args=[activity.pk])),
        ("get", reverse("activities:edit", args=[activity.pk])),
        ("post", reverse("activities:publish", args=[activity.pk])),
        ("post", reverse("activities:cancel", args=[activity.pk])),
        ("post", reverse("activities:signup", args=[activity.pk])),
    ]
    api = f"/api/v1/activities/{activity.pk}/"
    calls = [
        ("get", api, None),
        ("patch", api, {"title": "Mine now"}),
        ("post", f"{api}cancel/", {"reason": "x"}),
        ("get", f"{api}signups/", None),
    ]
    for user in strangers:
        for method, url in pages:
            assert _page_status(user, method, url) in {401, 404}, (user, url)
        for method, url, body in calls:
            assert _api_status(user, method, url, body) in {401, 404}, (user, url)
    assert _api_status(partner_user, "get", api) == 200


def test_a_published_activity_of_another_partner_is_seen_but_not_theirs(
    partner, other_partner_user
):
    """Seen (it is public), so changing it is a 403, not a 404."""
    activity = make_activity(booking=approved_booking(partner=partner))
    api = f"/api/v1/activities/{activity.pk}/"
    assert _api_status(other_partner_user, "get", api) == 200
    assert _api_status(other_partner_user, "patch", api, {"title": "x"}) == 403
    edit = reverse("activities:edit", args=[activity.pk])
    assert _page_status(other_partner_user, "get", edit) == 403


# Sign-ups


def test_another_familys_sign_up_is_404(outsider, other_partner_user):
    activity = make_activity(booking=approved_booking())
    household, members = family(children=1)
    signup = sign_up(activity, household, members).signup
    other_family = family(children=1)[0].user
    for user in (outsider, other_partner_user, other_family):
        api = f"/api/v1/signups/{signup.pk}/"
        assert _api_status(user, "get", api) == 404
        assert _api_status(user, "post", f"{api}cancel/", {}) == 404
        assert _api_status(user, "post", f"{api}decline/", {}) == 404
        url = reverse("activities:signup-cancel", args=[signup.pk])
        assert _page_status(user, "post", url) == 404
    assert _api_status(household.user, "get", f"/api/v1/signups/{signup.pk}/") == 200


def test_another_familys_member_is_404(outsider):
    household, members = family(children=1)
    other_family = family(children=1)[0].user
    member = members[-1]
    for user in (outsider, other_family):
        edit = reverse("activities:member-edit", args=[member.pk])
        remove = reverse("activities:member-remove", args=[member.pk])
        assert _page_status(user, "get", edit) == 404
        assert _page_status(user, "post", edit, {"first_name": "x"}) == 404
        assert _page_status(user, "post", remove) == 404
    assert _page_status(household.user, "get", edit) == 200
