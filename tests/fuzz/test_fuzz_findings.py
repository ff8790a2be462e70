"""Bugs the fuzzer (test_api_fuzz.py) found, pinned by plain tests."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

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
