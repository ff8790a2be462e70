"""Every API error, whatever raised it, has the one body with all four keys:
{"error": {"code", "message", "fields", "details"}} (hub.api_errors).

Small ApiViews in this module raise each kind of error, so the handler is
tested apart from the apps; the unknown-id test runs through the real URLs."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from django.http import Http404
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from hub.api_base import ApiView, StrictInputSerializer
from hub.api_errors import error_body, exception_handler, field_errors
from hub.errors import Conflict, DomainError, NotFound, PermissionDenied, StateError
from tests.factories import UserFactory

KEYS = {"code", "message", "fields", "details"}


def assert_error_body(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == KEYS
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    for messages in error["fields"].values():
        assert isinstance(messages, list)
        assert all(isinstance(m, str) for m in messages)
    assert isinstance(error["details"], list)
    assert all(isinstance(d, dict) for d in error["details"])
    return error


class MemberInput(StrictInputSerializer):
    name = serializers.CharField(max_length=5)


class HouseholdInput(StrictInputSerializer):
    name = serializers.CharField()
    members = MemberInput(many=True)
    ages = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class NeverThrottle(SimpleRateThrottle):
    rate = "1/day"

    def get_cache_key(self, request, view):
        return "always-the-same"

    def allow_request(self, request, view):
        self.wait = lambda: 42
        return False


RAISES = {
    "domain": DomainError("Places must be 1 or more.", field="places"),
    "forbidden": PermissionDenied("Not yours.", details=[{"permission": "x"}]),
    "missing": NotFound("No booking has id=9. Check the id."),
    "state": StateError("Already declined."),
    "conflict": Conflict("Booked already.", details=[{"date": "2026-10-13"}]),
    "http404": Http404("No Site matches the given query."),
    "django-invalid": DjangoValidationError({"ends_at": ["Ends before it starts."]}),
    "django-invalid-plain": DjangoValidationError("Something is off."),
    "locked": OperationalError("database is locked"),
}


class RaiseApi(ApiView):
    public = True

    def get(self, request, kind):
        raise RAISES[kind]


class PrivateApi(ApiView):
    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response(self.input(HouseholdInput), status=201)


class ThrottledApi(ApiView):
    public = True
    throttle_classes = [NeverThrottle]

    def get(self, request):
        return Response({})


class BrokenApi(ApiView):
    public = True

    def get(self, request):
        raise RuntimeError("a bug")


handler500 = "hub.api_errors.server_error"
urlpatterns = [
    path("api/broken/", BrokenApi.as_view()),
    path("raise/<str:kind>/", RaiseApi.as_view()),
    path("private/", PrivateApi.as_view()),
    path("throttled/", ThrottledApi.as_view()),
]
local_urls = pytest.mark.urls(__name__)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def signed_in(db):
    client = APIClient()
    client.force_login(UserFactory())
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/rooms/999999/",
        "/api/v1/sites/999999/",
        "/api/v1/bookings/999999/",
        "/api/v1/activities/999999/",
    ],
)
def test_unknown_ids_get_one_404_body(client, manager, url):
    client.force_login(manager)
    assert_error_body(client.get(url), 404, "not_found")


def test_error_body_always_has_fields_and_details():
    assert error_body("x", "Y") == {
        "error": {"code": "x", "message": "Y", "fields": {}, "details": []}
    }


@local_urls
@pytest.mark.parametrize(
    ("kind", "status", "code", "fields"),
    [
        ("domain", 400, "invalid", {"places": ["Places must be 1 or more."]}),
        ("forbidden", 403, "permission_denied", {}),
        ("missing", 404, "not_found", {}),
        ("state", 409, "invalid_state", {}),
        ("conflict", 409, "conflict", {}),
        ("http404", 404, "not_found", {}),
        ("django-invalid", 400, "invalid", {"ends_at": ["Ends before it starts."]}),
        (
            "django-invalid-plain",
            400,
            "invalid",
            {"non_field_errors": ["Something is off."]},
        ),
        ("locked", 409, "try_again", {}),
    ],
)
def test_raised_errors_become_the_one_body(api, db, kind, status, code, fields):
    error = assert_error_body(api.get(f"/raise/{kind}/"), status, code)
    assert error["fields"] == fields
    if kind in ("forbidden", "conflict"):
        assert error["details"] == RAISES[kind].details


@local_urls
def test_database_text_never_reaches_the_body(api, db):
    error = assert_error_body(api.get("/raise/locked/"), 409, "try_again")
    assert "locked" not in error["message"]


@local_urls
def test_anonymous_gets_401_with_www_authenticate(api, db):
    response = api.get("/private/")
    assert_error_body(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@local_urls
def test_bad_token_gets_401(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/private/")
    assert_error_body(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


@local_urls
def test_wrong_method_is_405(signed_in):
    assert_error_body(signed_in.delete("/private/"), 405, "method_not_allowed")


@local_urls
def test_wrong_media_type_is_415(signed_in):
    response = signed_in.post("/private/", "name=x", content_type="text/csv")
    assert_error_body(response, 415, "unsupported_media_type")


@local_urls
def test_malformed_json_is_400_parse_error(signed_in):
    response = signed_in.post("/private/", "{nope", content_type="application/json")
    assert_error_body(response, 400, "parse_error")


@local_urls
def test_throttled_says_how_long_to_wait(api, db):
    error = assert_error_body(api.get("/throttled/"), 429, "throttled")
    assert error["details"] == [{"wait_seconds": 42}]


@local_urls
def test_nested_and_list_errors_get_dotted_field_names(signed_in):
    body = {
        "name": "Khan",
        "members": [{"name": "Aisha"}, {"name": "Far too long", "age": 3}],
        "ages": ["x"],
        "colour": "red",
    }
    response = signed_in.post("/private/", body, format="json")
    error = assert_error_body(response, 400, "invalid")
    assert set(error["fields"]) == {
        "members.1.name",
        "members.1.age",
        "ages.0",
        "colour",
    }
    assert "Unknown field" in error["fields"]["colour"][0]
    assert error["message"].startswith("members.1.name: ")


@local_urls
def test_an_empty_list_is_named_by_its_field(signed_in):
    body = {"name": "Khan", "members": [], "ages": []}
    error = assert_error_body(
        signed_in.post("/private/", body, format="json"), 400, "invalid"
    )
    assert list(error["fields"]) == ["ages"]


def test_field_errors_flatten_any_depth():
    detail = {
        "a": ["top"],
        "b": {0: ["first"], 2: {"c": ["deep"]}},
        "non_field_errors": ["whole"],
    }
    assert field_errors(detail) == {
        "a": ["top"],
        "b.0": ["first"],
        "b.2.c": ["deep"],
        "non_field_errors": ["whole"],
    }
    assert field_errors(["bare"]) == {"non_field_errors": ["bare"]}


def test_an_integrity_error_we_do_not_know_is_left_to_django():
    assert exception_handler(IntegrityError("something else"), {}) is None


@pytest.mark.parametrize(
    "url", ["/api/v1/nope/", "/api/v2/sites/", "/api/v1/sites/1/x/"]
)
def test_an_unknown_api_address_gets_the_json_404(client, db, url):
    assert_error_body(client.get(url), 404, "not_found")


def test_an_api_address_without_its_slash_still_redirects(client, db):
    response = client.get("/api/v1/sites")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/sites/"


@local_urls
def test_a_bug_under_the_api_is_a_500_with_the_error_body(db):
    client = APIClient(raise_request_exception=False)
    error = assert_error_body(client.get("/api/broken/"), 500, "server_error")
    assert "bug" not in error["message"]
