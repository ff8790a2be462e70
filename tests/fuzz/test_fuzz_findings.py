"""Bugs the fuzzer (test_api_fuzz.py) found, pinned by plain tests."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.activities.factories import approved_booking, make_activity

pytestmark = pytest.mark.django_db


def test_a_post_to_an_unknown_api_address_is_the_json_404_not_the_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/activities/not-an-id/", {"capacity": 3})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_a_reviewers_partner_matches_only_one_branch_of_the_published_oneof():
    """The public shape is closed, and the reviewer's has fields it lacks, so a
    reviewer's body cannot match both (it did: "valid under more than one")."""
    schema = json.loads(APIClient().get("/api/schema/", {"format": "json"}).content)
    shapes = schema["components"]["schemas"]
    branches = [
        b["$ref"].rsplit("/", 1)[1] for b in shapes["PartnerForCaller"]["oneOf"]
    ]
    assert branches == ["PartnerOutput", "PartnerReviewOutput"]
    public, review = shapes["PartnerOutput"], shapes["PartnerReviewOutput"]
    assert public["additionalProperties"] is False
    assert set(review["required"]) - set(public["properties"])


def test_an_id_with_a_line_break_is_the_json_404():
    response = Client().get("/api/v1/sites/%C3%B8d%0A%0Cx/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_sign_up_window_in_year_11_is_refused_not_written_with_an_lmt_offset(
    partner_user, room, partner
):
    activity = make_activity(booking=approved_booking(room=room, partner=partner))
    client = APIClient()
    client.force_authenticate(partner_user)
    response = client.patch(
        f"/api/v1/activities/{activity.pk}/",
        {"signup_opens_at": "0011-01-01T00:01:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert "2000" in response.json()["error"]["fields"]["signup_opens_at"][0]
    activity.refresh_from_db()
    assert activity.signup_opens_at is None or activity.signup_opens_at.year >= 2000
