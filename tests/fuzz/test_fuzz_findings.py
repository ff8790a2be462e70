"""Bugs the fuzzer (test_api_fuzz.py) found, pinned by plain tests."""

import json

import jsonschema
import pytest
from django.test import Client
from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.plumbing import OpenApiGeneratorExtension
from jsonschema import FormatChecker
from rest_framework.test import APIClient

from hub.api_parsers import API_MAX_BODY_BYTES
from hub.api_schema import load_extensions
from hub.input_limits import TIME_PATTERN
from tests.activities.factories import approved_booking, family, make_activity
from tests.api.openapi import assert_matches_schema, to_json_schema
from tests.fuzz import live_hooks

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


# The hand-run fuzz of 2026-11-30 (docs/security.md, "Fuzzing"): a live
# production-mode server (gunicorn gthread workers, PostgreSQL).


def test_a_household_without_an_email_matches_the_published_schema():
    """The stored "" is documented as "an email, or empty" (hub.api_schema),
    not as `format: email`, which "" breaks."""
    household, _ = family(email="")
    client = APIClient()
    client.force_authenticate(household.user)
    response = client.get("/api/v1/households/me/")
    assert response.json()["email"] == ""
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    assert_matches_schema(schema, "get", "/api/v1/households/me/", response)
    # With a checker for which "" is no email, as schemathesis's is.
    email = to_json_schema(schema["components"]["schemas"]["HouseholdOutput"])
    email = email["properties"]["email"]
    strict = jsonschema.Draft202012Validator(email, format_checker=FormatChecker())
    assert strict.is_valid("")
    assert strict.is_valid("ann@example.org")
    assert not strict.is_valid("not an email")


def test_every_schema_extension_target_is_imported_before_any_request():
    """drf-spectacular imported them on first use, racing between threads:
    a fresh gthread worker answered two concurrent /api/schema/ with a 500."""
    lazy = [
        extension.__name__
        for base in OpenApiGeneratorExtension.__subclasses__()
        for extension in base._registry
        if isinstance(extension.target_class, str)
    ]
    assert lazy == []


def test_an_extension_for_a_package_that_is_not_installed_loads_quietly():
    class _Missing(OpenApiViewExtension):
        target_class = "not_installed_package.views.View"

    try:
        load_extensions()
        assert _Missing.target_class is None
    finally:
        OpenApiViewExtension._registry.remove(_Missing)


def test_the_live_fuzz_reads_times_as_the_schema_states_them():
    assert live_hooks.TIME_PATTERN == TIME_PATTERN
    assert live_hooks._is_time("18:30") and not live_hooks._is_time("18:30+01:00")


def test_every_write_documents_the_413_it_answers_to_a_body_over_1_mb(
    partner_user, site
):
    """Found on the calendar import (POST .../calendar-import/preview/): the
    answer was right, the schema did not list it."""
    client = APIClient()
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    writes = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in {"post", "put", "patch", "delete"}
        and "413" not in operation["responses"]
    ]
    assert writes == []
    client.force_authenticate(partner_user)
    body = {"padding": "x" * API_MAX_BODY_BYTES}
    response = client.post(
        f"/api/v1/sites/{site.pk}/calendar-import/preview/", body, format="json"
    )
    assert response.status_code == 413
    assert_matches_schema(
        schema, "post", "/api/v1/sites/{site_id}/calendar-import/preview/", response
    )
