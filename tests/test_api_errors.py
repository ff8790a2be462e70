"""Every API error, whatever raised it, has the one body with all four keys:
{"error": {"code", "message", "fields", "details"}} (hub.api_errors).

Small ApiViews in this module raise each kind of error, so the handler is
tested apart from the apps; the unknown-id test runs through the real URLs."""

import re

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from django.http import Http404
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import is_serializer
from drf_spectacular.settings import spectacular_settings
from rest_framework import fields, relations, serializers, validators
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from hub.api_base import ApiView, StrictInputSerializer
from hub.api_errors import (
    error_body,
    exception_handler,
    field_errors,
    field_label,
    plain_message,
)
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


class ChildInput(StrictInputSerializer):
    first_name = serializers.CharField(max_length=20)
    age = serializers.IntegerField(min_value=0, max_value=17)


class AddressInput(serializers.Serializer):
    postcode = serializers.CharField(max_length=8)


class EverythingInput(StrictInputSerializer):
    """One field of each kind, to see each default message replaced."""

    title = serializers.CharField(max_length=10)
    note = serializers.CharField(required=False)
    places = serializers.IntegerField(min_value=1, max_value=30, required=False)
    price = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    day = serializers.DateField(required=False)
    starts_at = serializers.DateTimeField(required=False)
    kind = serializers.ChoiceField(choices=["child", "adult"], required=False)
    paid = serializers.BooleanField(required=False)
    email = serializers.EmailField(required=False)
    children = ChildInput(many=True, required=False, max_length=3)
    ages = serializers.ListField(
        child=serializers.IntegerField(max_value=17), required=False, max_length=3
    )
    address = AddressInput(required=False)


class EverythingApi(ApiView):
    public = True

    def post(self, request):
        return Response(self.input(EverythingInput), status=201)


handler500 = "hub.api_errors.server_error"
urlpatterns = [
    path("everything/", EverythingApi.as_view()),
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
    # whatever the method: not the pages' HTML 405 (the fuzz tests found it)
    assert_error_body(client.patch(url), 404, "not_found")
    assert_error_body(client.delete(url), 404, "not_found")


def test_an_api_address_without_its_slash_still_redirects(client, db):
    response = client.get("/api/v1/sites")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/sites/"


@local_urls
def test_a_bug_under_the_api_is_a_500_with_the_error_body(db):
    client = APIClient(raise_request_exception=False)
    error = assert_error_body(client.get("/api/broken/"), 500, "server_error")
    assert "bug" not in error["message"]


# Plain validation messages (hub.api_errors.PLAIN_MESSAGES) ------------------


@local_urls
@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "title", "Title is required: send a value for it."),
        ({"note": None}, "note", "Note cannot be null: send a value for it."),
        ({"title": ""}, "title", "Title cannot be empty: enter some text."),
        ({"note": {}}, "note", "Note must be text: send it as a string."),
        (
            {"title": "Far too long a title"},
            "title",
            "Title must be 10 characters or fewer: shorten it.",
        ),
        ({"places": "twelve"}, "places", "Places must be a whole number, like 12."),
        ({"places": 0}, "places", "Places must be 1 or more."),
        ({"places": 31}, "places", "Places must be 30 or less."),
        ({"price": "cheap"}, "price", "Price must be a number, like 12.50."),
        (
            {"price": "12.505"},
            "price",
            "Price must have 2 decimal places or fewer.",
        ),
        (
            {"day": "31/12/2027"},
            "day",
            "Day must be a date written YYYY-MM-DD, like 2027-03-27.",
        ),
        (
            {"day": "2027-02-30"},
            "day",
            "Day must be a date written YYYY-MM-DD, like 2027-03-27.",
        ),
        (
            {"starts_at": "tomorrow"},
            "starts_at",
            "Starts at must be a date and time written YYYY-MM-DDTHH:MM with the "
            "UTC offset, like 2027-03-27T18:30:00+01:00.",
        ),
        (
            {"kind": "dog"},
            "kind",
            "Kind cannot be \u201cdog\u201d: use one of the values the API schema "
            "lists for it.",
        ),
        ({"paid": "perhaps"}, "paid", "Paid must be true or false."),
        (
            {"email": "nobody"},
            "email",
            "Email must be an email address, like name@example.com.",
        ),
        (
            {"children": [{"first_name": "Sam", "age": 18}]},
            "children.0.age",
            "Age must be 17 or less.",
        ),
        (
            {"children": [{"age": 3}]},
            "children.0.first_name",
            "First name is required: send a value for it.",
        ),
        (
            {"children": ["Sam"]},
            "children.0.non_field_errors",
            "Item 1 of children must be an object (a JSON dictionary), not text.",
        ),
        (
            {"children": "Sam"},
            "children.non_field_errors",
            "Children must be a list (a JSON array), not text.",
        ),
        (
            {"children": [{"first_name": "A", "age": 1}] * 4},
            "children.non_field_errors",
            "Children can have 3 items at most: send fewer.",
        ),
        (
            {"ages": [3, "x"]},
            "ages.1",
            "Item 2 of ages must be a whole number, like 12.",
        ),
        ({"ages": [3, 18]}, "ages.1", "Item 2 of ages must be 17 or less."),
        ({"ages": [1, 2, 3, 4]}, "ages", "Ages can have 3 items at most: send fewer."),
        ({"ages": 3}, "ages", "Ages must be a list (a JSON array), not a number."),
        (
            {"address": {"postcode": "LS6 1AA LS6 1AA"}},
            "address.postcode",
            "Postcode must be 8 characters or fewer: shorten it.",
        ),
        (
            {"address": []},
            "address.non_field_errors",
            "Address must be an object (a JSON dictionary), not a list.",
        ),
    ],
)
def test_each_validation_message_names_the_field_and_the_fix(api, body, field, message):
    body = {"title": "Chess", **body} if "title" not in body and body else body
    response = api.post("/everything/", body, format="json")
    error = assert_error_body(response, 400, "invalid")
    assert error["fields"][field] == [message]
    assert f"{field}: {message}" in error["message"]


@local_urls
def test_the_whole_input_not_an_object_is_named(api):
    response = api.post("/everything/", [1, 2], format="json")
    error = assert_error_body(response, 400, "invalid")
    assert error["fields"] == {
        "non_field_errors": [
            "The input must be an object (a JSON dictionary), not a list."
        ]
    }


@local_urls
def test_a_long_wrong_choice_is_not_repeated_whole(api):
    body = {"title": "Chess", "kind": "x" * 5000}
    error = assert_error_body(
        api.post("/everything/", body, format="json"), 400, "invalid"
    )
    assert error["fields"]["kind"] == [
        f"Kind cannot be \u201c{'x' * 39}\u2026\u201d: use one of the values the API "
        "schema lists for it."
    ]


@local_urls
def test_own_messages_are_kept(api):
    body = {"title": "Chess", "colour": "red"}
    error = assert_error_body(
        api.post("/everything/", body, format="json"), 400, "invalid"
    )
    assert error["fields"] == {
        "colour": ["Unknown field. Remove it or check the spelling."]
    }


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("date_of_birth", "date of birth"),
        ("members.0.first_name", "first name"),
        ("member_ids.4", "item 5 of member ids"),
        ("members.1.non_field_errors", "item 2 of members"),
        ("members.non_field_errors", "members"),
        ("non_field_errors", "the input"),
    ],
)
def test_field_labels_come_from_the_name(path, label):
    assert field_label(path) == label


def _drf_defaults() -> list[tuple[str, str]]:
    """(where, wording) of every default message DRF's fields, serializers
    and validators have, found by looking at DRF itself."""
    found = []
    for module in (fields, relations, serializers, validators):
        for name, cls in vars(module).items():
            if not isinstance(cls, type) or cls.__module__ != module.__name__:
                continue
            for code, text in vars(cls).get("default_error_messages", {}).items():
                found.append((f"{name}.{code}", str(text)))
            for attr in ("message", "missing_message"):
                text = vars(cls).get(attr)
                if text is not None and str(text) != "None":
                    found.append((f"{name}.{attr}", str(text)))
    return found


def _pattern(text: str) -> re.Pattern:
    escaped = re.escape(text)
    return re.compile(
        "^" + re.sub(r"\\\{\w+(?::[^}]*)?\\\}", ".*", escaped) + "$", re.S
    )


DRF_DEFAULTS = [_pattern(text) for _, text in _drf_defaults()]


def _is_drf_default(message: str) -> bool:
    return any(p.match(message) for p in DRF_DEFAULTS)


@pytest.mark.parametrize(("where", "text"), _drf_defaults())
def test_every_drf_default_has_a_plain_message(where, text):
    example = re.sub(r"\{(\w+)(?::[^}]*)?\}", "5", text)
    plain = plain_message("opening_hours", example)
    assert plain != example, where
    assert not _is_drf_default(plain), where
    if "{field_names}" in text:  # several fields: it names them all
        assert "combination of 5" in plain, where
    else:
        assert "opening hours" in plain.lower(), where


def _bad_values(field) -> list:
    """Values that break `field` in every way we can think of, including
    inside nested serializers and lists."""
    values = [None, "", "x", "9" * 1001, 10**30, -(10**30), True, {}, []]
    values += ["x" * 100_001, "2027-02-30", "27/03/2027", "25:61", 12.345]
    if isinstance(field, serializers.ListSerializer):
        values += [[item] for item in _bad_values(field.child)]
        values.append([{}] * 5001)
    elif isinstance(field, serializers.Serializer):
        for name, sub in field.fields.items():
            if not sub.read_only:
                values += [{name: bad} for bad in _bad_values(sub)]
    elif isinstance(field, serializers.ListField):
        values += [[bad] for bad in _bad_values(field.child)[:12]]
        values.append([1] * 5001)
    return values


def _schema_input_serializers() -> dict[type, str]:
    """Every serializer the API schema names for a request body or a query."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found: dict[type, str] = {}
    for url, regex, method, view in generator._get_paths_and_endpoints():
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, url, view, None)
        schema = view.schema
        schema.path, schema.path_regex, schema.method, schema.view = (
            url,
            regex,
            method,
            view,
        )
        for item in [
            schema.get_request_serializer(),
            *schema.get_override_parameters(),
        ]:
            if is_serializer(item):
                cls = item if isinstance(item, type) else type(item)
                found.setdefault(cls, f"{method} {url}")
    return found


def test_no_default_drf_message_survives_in_any_api_input(db, rf):
    inputs = _schema_input_serializers()
    assert len(inputs) >= 30
    request = rf.post("/")
    request.user = UserFactory()
    survivors, checked = set(), set()
    for cls, where in inputs.items():
        context = {"request": request}
        for name, field in cls(context=context).fields.items():
            if field.read_only:
                continue
            for bad in _bad_values(field):
                serializer = cls(data={name: bad}, context=context)
                try:
                    serializer.is_valid(raise_exception=True)
                except ValidationError as exc:
                    response = exception_handler(exc, {})
                else:
                    continue
                for key, messages in response.data["error"]["fields"].items():
                    for message in messages:
                        checked.add(message)
                        if _is_drf_default(message):
                            survivors.add(f"{where} {key}: {message}")
    assert not survivors, "\n".join(sorted(survivors))
    assert len(checked) > 300  # the bad values did reach every kind of field
    assert max(len(m) for m in checked) < 300  # a long value is not repeated
