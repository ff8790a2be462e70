"""Invariant 4 as a matrix: who may see family A's household, its children's
medical/SEND notes, and the list of who signed up to the partner's activity.

Family A is signed up to the partner's activity; family B is not.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.activities.factories import family, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(activity, partner_user, other_partner_user, manager, link_worker):
    a, a_members = family(children=1)
    a_members[1].medical_notes = "Severe nut allergy"
    a_members[1].save()
    b, _ = family(children=1)
    sign_up(activity, a, a_members)
    return {
        "activity": activity,
        "a": a,
        "child": a_members[1],
        "actors": {
            "anonymous": AnonymousUser(),
            "family A": a.user,
            "family B": b.user,
            "partner running it": partner_user,
            "another partner": other_partner_user,
            "business manager": manager,
            "link worker": link_worker,
        },
    }


#                      household A  child notes  sign-up list
EXPECTED = {
    "anonymous": (False, False, False),
    "family A": (True, True, False),
    "family B": (False, False, False),
    "partner running it": (True, True, True),
    "another partner": (False, False, False),
    "business manager": (False, False, False),
    "link worker": (False, False, False),
}


@pytest.mark.parametrize("actor", EXPECTED)
def test_permission_matrix(world, actor):
    user = world["actors"][actor]
    seen = (
        user.has_perm("activities.view_household", world["a"]),
        user.has_perm("activities.view_member_needs", world["child"]),
        user.has_perm("activities.view_activity_signups", world["activity"]),
    )
    assert seen == EXPECTED[actor]


@pytest.mark.parametrize("actor", EXPECTED)
def test_signup_list_api_and_manage_page(world, actor):
    user = world["actors"][actor]
    api, web = APIClient(), Client()
    if user.is_authenticated:
        api.force_authenticate(user)
        web.force_login(user)
    activity = world["activity"]
    response = api.get(reverse("activities-api:activity-signups", args=[activity.pk]))
    page = web.get(reverse("activities:manage", args=[activity.pk]))
    allowed = EXPECTED[actor][2]
    signed_in = 403 if user.is_authenticated else 401  # 401: sign in first
    assert response.status_code == (200 if allowed else signed_in)
    assert ("Severe nut allergy" in str(response.content)) is allowed
    assert ("Severe nut allergy" in page.content.decode()) is allowed
    assert page.status_code in ((200,) if allowed else (302, 403))


@pytest.mark.parametrize("actor", EXPECTED)
def test_own_household_endpoint_only_shows_your_own(world, actor):
    user = world["actors"][actor]
    api = APIClient()
    if user.is_authenticated:
        api.force_authenticate(user)
    body = api.get(reverse("activities-api:household")).content.decode()
    assert ("Severe nut allergy" in body) is (actor == "family A")


def test_link_worker_sees_a_household_they_referred_but_not_its_notes(world):
    from activities.services import referral_create

    link_worker = world["actors"]["link worker"]
    referral_create(
        referred_by=link_worker,
        household_reference=world["a"].reference,
        activity=world["activity"],
    )
    assert link_worker.has_perm("activities.view_household", world["a"])
    assert not link_worker.has_perm("activities.view_member_needs", world["child"])


def test_partner_loses_sight_once_the_family_cancels(world):
    from activities.services import signup_cancel

    signup = world["a"].signups.get()
    signup_cancel(signup=signup, cancelled_by=world["a"].user)
    partner_user = world["actors"]["partner running it"]
    assert not partner_user.has_perm("activities.view_household", world["a"])
    assert not partner_user.has_perm("activities.view_member_needs", world["child"])
