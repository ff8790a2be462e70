"""One person leaves a sign-up through the API (POST
/api/v1/signups/<id>/members/<member_id>/remove/): the same service as the
page's "Cancel Ada's place only", so the place is freed for the waitlist, the
change is audited and the others keep their places."""

import pytest
from rest_framework.test import APIClient

from activities.models import SignUp
from hub.models import AuditEntry
from tests.activities.factories import family, sign_up

pytestmark = pytest.mark.django_db


def _remove(user, signup_id, member_id, **body):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        f"/api/v1/signups/{signup_id}/members/{member_id}/remove/", body, format="json"
    )


def test_one_child_leaves_and_the_next_family_on_the_waitlist_gets_the_place(
    activity,
):
    activity.capacity = 3
    activity.save()
    household, members = family(children=2, carers=1)
    signup = sign_up(activity, household, members).signup
    waiting_household, waiting = family(children=1, carers=0)
    waiting_signup = sign_up(activity, waiting_household, waiting).signup
    assert waiting_signup.status == SignUp.Status.WAITLISTED

    child = members[1]
    response = _remove(household.user, signup.pk, child.pk, reason="Broken arm")

    assert response.status_code == 200
    body = response.json()
    assert body["places"] == 2
    assert sorted(body["member_ids"]) == sorted([members[0].pk, members[2].pk])
    assert body["status"] == "confirmed"
    waiting_signup.refresh_from_db()
    assert waiting_signup.status == SignUp.Status.CONFIRMED
    entry = AuditEntry.objects.get(action="signup.member_removed")
    assert entry.actor == household.user
    assert entry.reason == "Broken arm"
    assert entry.changes["places"] == [3, 2]


def test_the_last_person_leaving_cancels_the_sign_up(activity):
    household, members = family(children=1, carers=0)
    signup = sign_up(activity, household, members).signup

    response = _remove(household.user, signup.pk, members[0].pk)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_someone_not_in_the_sign_up_is_a_404_naming_the_id(activity):
    household, members = family(children=2, carers=0)
    signup = sign_up(activity, household, members[:1]).signup

    response = _remove(household.user, signup.pk, members[1].pk)

    assert response.status_code == 404
    assert str(members[1].pk) in response.json()["error"]["message"]
    signup.refresh_from_db()
    assert signup.places == 1
    assert not AuditEntry.objects.filter(action="signup.member_removed").exists()


def test_another_family_cannot_see_it_and_nothing_changes(activity):
    household, members = family(children=2, carers=0)
    signup = sign_up(activity, household, members).signup
    stranger, _ = family(children=1, carers=0)

    response = _remove(stranger.user, signup.pk, members[0].pk)

    assert response.status_code == 404
    signup.refresh_from_db()
    assert signup.places == 2
