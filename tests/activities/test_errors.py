"""One path from a rule to what a person sees (issue 7, points 1-3): forms and
serializers check each database rule first, on its field, in plain English; a
constraint that still fires is translated by hub.db_errors; the API refuses
unknown fields, pages every list and asks anonymous callers to sign in."""

import pytest
from django.apps import apps
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import Activity, SignUp
from hub import db_errors
from hub.errors import DomainError
from tests.activities.factories import family, make_activity

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Cook and eat",
    "description": "Together",
    "category": "cooking",
    "audience": "families",
    "capacity": 0,
    "eligibility": "open",
    "signup_mode": "series",
    "referral_places": 0,
    "languages": "English",
}


def _no_constraint_text(body: str) -> None:
    assert "Constraint" not in body and "violated" not in body
    assert "activity_capacity_positive" not in body


def test_zero_places_on_the_new_activity_form_is_an_error_on_the_places_field(
    client, booking, partner_user
):
    client.force_login(partner_user)
    response = client.post(reverse("activities:create", args=[booking.pk]), FORM)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["capacity"] == ["Places must be 1 or more."]
    assert not form.non_field_errors()
    body = response.content.decode()
    assert 'id="id_capacity-error"' in body or "id_capacity" in body
    _no_constraint_text(body)
    assert not Activity.objects.exists()


def test_zero_places_on_the_edit_form_too(client, activity, partner_user):
    client.force_login(partner_user)
    response = client.post(reverse("activities:edit", args=[activity.pk]), FORM)
    assert response.context["form"].errors["capacity"] == ["Places must be 1 or more."]
    _no_constraint_text(response.content.decode())
    activity.refresh_from_db()
    assert activity.capacity == 10


def test_more_referral_places_than_places_is_named_on_its_field(
    client, booking, partner_user
):
    client.force_login(partner_user)
    data = FORM | {"capacity": 5, "referral_places": 6}
    response = client.post(reverse("activities:create", args=[booking.pk]), data)
    assert response.context["form"].errors["referral_places"] == [
        "Places kept for referrals cannot be more than the number of places."
    ]


def test_zero_places_in_the_api_names_the_field(booking, partner_user):
    client = APIClient()
    client.force_authenticate(partner_user)
    response = client.post(
        reverse("activities-api:list"),
        FORM | {"booking_id": booking.pk},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"]["capacity"] == ["Places must be 1 or more."]
    _no_constraint_text(response.content.decode())


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (model, constraint.name)
        for model in apps.get_app_config("activities").get_models()
        for constraint in model._meta.constraints
    ],
)
def test_every_constraint_speaks_plain_english(model, name):
    (constraint,) = [c for c in model._meta.constraints if c.name == name]
    message = constraint.get_violation_error_message()
    assert "Constraint" not in message and name not in message
    assert message.endswith(".") and message[0].isupper()


def test_a_constraint_that_still_fires_becomes_a_field_error(activity):
    """The database is the safety net: its error, translated, says the same."""
    with pytest.raises(DomainError) as exc, db_errors.translated():
        Activity.objects.filter(pk=activity.pk).update(capacity=0)
    assert (exc.value.message, exc.value.field) == (
        "Places must be 1 or more.",
        "capacity",
    )


def test_unknown_fields_are_refused_and_named(activity):
    household, members = family()
    client = APIClient()
    client.force_authenticate(household.user)
    response = client.post(
        reverse("activities-api:signups"),
        {"activity_id": activity.pk, "member_ids": [members[0].pk], "memebrs": []},
        format="json",
    )
    assert response.status_code == 400
    assert "memebrs" in response.json()["error"]["fields"]
    bad_query = APIClient().get(reverse("activities-api:list"), {"categroy": "sport"})
    assert bad_query.status_code == 400
    assert "categroy" in bad_query.json()["error"]["fields"]
    assert not SignUp.objects.exists()


def test_member_lists_have_limits(activity):
    household, members = family()
    client = APIClient()
    client.force_authenticate(household.user)
    too_many = client.post(
        reverse("activities-api:signups"),
        {"activity_id": activity.pk, "member_ids": list(range(1, 22))},
        format="json",
    )
    assert too_many.status_code == 400
    assert "member_ids" in too_many.json()["error"]["fields"]
    long_notes = client.post(
        reverse("activities-api:member-create"),
        {"kind": "carer", "first_name": "Ann", "medical_notes": "x" * 5001},
        format="json",
    )
    assert long_notes.status_code == 400
    assert "medical_notes" in long_notes.json()["error"]["fields"]


def test_every_list_has_page_and_page_size(booking, partner_user, link_worker):
    for i in range(3):
        make_activity(booking=booking, title=f"A{i}")
    body = APIClient().get(reverse("activities-api:list"), {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert "page=2" in body["next"]
    client = APIClient()
    client.force_authenticate(link_worker)
    body = client.get(reverse("activities-api:referrals"), {"page_size": 1}).json()
    assert set(body) == {"count", "next", "previous", "results"}


def test_anonymous_changes_need_sign_in(activity):
    response = APIClient().post(reverse("activities-api:list"), {}, format="json")
    assert response.status_code == 401
    assert response.has_header("WWW-Authenticate")
    assert APIClient().get(reverse("activities-api:list")).status_code == 200


def test_a_too_long_cancellation_reason_is_refused_on_its_field(activity, partner_user):
    from activities.services import activity_cancel

    with pytest.raises(DomainError) as exc:
        activity_cancel(activity=activity, cancelled_by=partner_user, reason="x" * 301)
    assert exc.value.field == "reason"
    client = APIClient()
    client.force_authenticate(partner_user)
    response = client.post(
        reverse("activities-api:cancel", args=[activity.pk]),
        {"reason": "x" * 301},
        format="json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED
