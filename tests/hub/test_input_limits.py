"""Hostile input (issue 12): every bad body is a clear 4xx with the one error
body naming the field, and nothing is saved. Runs on SQLite and PostgreSQL, so
a NUL character is shown never to reach the database."""

import json

import pytest
from django.urls import get_resolver, reverse
from rest_framework import serializers

from activities.models import Household, HouseholdMember
from bookings.models import Booking
from hub.api_base import StrictInputSerializer
from hub.api_parsers import API_MAX_BODY_BYTES, MAX_JSON_DEPTH
from hub.input_limits import clean_text
from hub.models import Room
from partners.models import Partner

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"
HOUSEHOLD = "/api/v1/households/me/"
SIGNUPS = "/api/v1/signups/"


def _booking(room, **overrides):
    data = {
        "room": room.pk,
        "title": "Family cooking",
        "expected_attendees": 20,
        "first_day": "2026-12-08",
        "start_time": "18:00",
        "end_time": "20:00",
    }
    data.update(overrides)
    return data


def _post(client, user, path, body):
    client.force_login(user)
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, raw, content_type="application/json")


def _error(response, status=400):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields", "details"}
    return error


def test_the_booking_example_is_accepted(client, room, partner_user):
    """The cases below fail for their one bad value, not for the rest."""
    assert _post(client, partner_user, BOOKINGS, _booking(room)).status_code == 201


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 100_000])
def test_deeply_nested_json_is_400(client, room, partner_user, depth):
    body = json.dumps(_booking(room))[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    error = _error(_post(client, partner_user, BOOKINGS, body))
    assert error["code"] == "parse_error"
    assert "nested too deeply" in error["message"]
    assert Booking.objects.count() == 0


def test_oversized_body_is_413_with_the_error_body(client, room, partner_user):
    body = json.dumps(_booking(room, purpose="x" * API_MAX_BODY_BYTES))
    error = _error(_post(client, partner_user, BOOKINGS, body), status=413)
    assert error["code"] == "too_large"
    assert "1 MB" in error["message"]
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "label"),
    [("title", "Title"), ("purpose", "Purpose"), ("setup_notes", "Setup notes")],
)
def test_nul_and_control_characters_are_400_naming_the_field(
    client, room, partner_user, field, label
):
    for bad in ("Cook\x00ing", "Cook\x1bing", "Cook\x7fing"):
        error = _error(
            _post(client, partner_user, BOOKINGS, _booking(room, **{field: bad}))
        )
        assert error["fields"][field] == [
            f"Remove the control character from {label}."
            + (" It must be one line." if field == "title" else "")
        ]
    assert Booking.objects.count() == 0


def test_line_breaks_only_in_multi_line_fields(client, room, partner_user):
    error = _error(_post(client, partner_user, BOOKINGS, _booking(room, title="a\nb")))
    assert list(error["fields"]) == ["title"]
    body = _booking(room, purpose="Cooking\r\nand\teating")
    assert _post(client, partner_user, BOOKINGS, body).status_code == 201
    assert Booking.objects.get().purpose == "Cooking\r\nand\teating"


def test_text_is_normalised_to_nfc(client, room, partner_user):
    body = _booking(room, title="Cafe\u0301 club")  # e + combining acute
    assert _post(client, partner_user, BOOKINGS, body).status_code == 201
    assert Booking.objects.get().title == "Caf\u00e9 club"


def test_nul_in_a_query_string_is_400(client, partner_user):
    client.force_login(partner_user)
    error = _error(client.get("/api/v1/sites/", {"area": "North\x00"}))
    assert "area" in error["fields"]


def test_oversized_form_encoded_body_is_413(client, partner_user):
    client.force_login(partner_user)
    body = "title=" + "x" * API_MAX_BODY_BYTES
    response = client.post(
        BOOKINGS, body, content_type="application/x-www-form-urlencoded"
    )
    assert _error(response, status=413)["code"] == "too_large"
    assert Booking.objects.count() == 0


def test_too_many_form_fields_is_400_with_the_error_body(client, partner_user):
    client.force_login(partner_user)
    body = "&".join(f"f{i}=x" for i in range(2_000))
    response = client.post(
        BOOKINGS, body, content_type="application/x-www-form-urlencoded"
    )
    assert _error(response)["code"] == "parse_error"
    assert Booking.objects.count() == 0


def test_every_api_input_bounds_its_text_lists_and_numbers():
    assert get_resolver().url_patterns  # imports every API module
    unbounded = [
        f"{cls.__module__}.{cls.__qualname__}: {problem}"
        for cls in _subclasses(StrictInputSerializer)
        if not cls.__name__.startswith("_") and not cls.__module__.startswith("tests.")
        for problem in _unbounded(cls(), "")
    ]
    assert unbounded == []


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _unbounded(field, path):
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        if field.max_length is None:
            yield f"{path} has no max_length"
        yield from _unbounded(field.child, f"{path}.*")
    elif isinstance(field, serializers.Serializer):
        for name, sub in field.fields.items():
            if not sub.read_only:
                yield from _unbounded(sub, f"{path}.{name}")
    elif isinstance(field, serializers.ChoiceField):
        return
    elif isinstance(field, serializers.CharField) and field.max_length is None:
        yield f"{path} has no max_length"
    elif isinstance(field, serializers.IntegerField | serializers.DecimalField) and (
        field.min_value is None or field.max_value is None
    ):
        yield f"{path} has no min_value or max_value"


@pytest.mark.parametrize(
    ("field", "limit"), [("title", 200), ("purpose", 2000), ("setup_notes", 2000)]
)
def test_100_000_characters_are_refused(client, room, partner_user, field, limit):
    body = _booking(room, **{field: "x" * 100_000})
    error = _error(_post(client, partner_user, BOOKINGS, body))
    assert str(limit) in error["fields"][field][0]
    assert Booking.objects.count() == 0


def test_room_description_of_100_000_characters_is_refused(client, manager, site):
    before = Room.objects.count()
    path = reverse("site-room-create-api", args=[site.pk])
    body = {
        "name": "Hall",
        "slug": "hall",
        "capacity": 10,
        "description": "x" * 100_000,
    }
    error = _error(_post(client, manager, path, body))
    assert "description" in error["fields"]
    assert Room.objects.count() == before


def test_medical_notes_of_100_000_characters_are_refused(client, outsider):
    member = {"kind": "child", "first_name": "Sam", "medical_notes": "x" * 100_000}
    body = {"name": "Khan", "members": [member]}
    error = _error(_post(client, outsider, HOUSEHOLD, body))
    assert list(error["fields"]) == ["members.0.medical_notes"]
    assert Household.objects.count() == 0


def test_nul_in_a_member_name_is_refused_naming_the_member(client, outsider):
    body = {"name": "Khan", "members": [{"kind": "child", "first_name": "S\x00m"}]}
    error = _error(_post(client, outsider, HOUSEHOLD, body))
    assert error["fields"] == {
        "members.0.first_name": [
            "Remove the control character from First name. It must be one line."
        ]
    }
    assert Household.objects.count() == 0


def test_a_household_of_5_000_members_is_refused(client, outsider):
    members = [{"kind": "child", "first_name": f"Child {i}"} for i in range(5_000)]
    error = _error(
        _post(client, outsider, HOUSEHOLD, {"name": "Khan", "members": members})
    )
    assert list(error["fields"]) == ["members.non_field_errors"]
    assert Household.objects.count() == HouseholdMember.objects.count() == 0


def test_a_list_of_100_000_ids_is_refused(client, outsider):
    body = {"activity_id": 1, "member_ids": list(range(1, 100_001))}
    error = _error(_post(client, outsider, SIGNUPS, body))
    assert "member_ids" in error["fields"]


def test_numbers_beyond_the_database_are_refused(client, room, partner_user):
    error = _error(
        _post(client, partner_user, BOOKINGS, {**_booking(room), "room": 10**30})
    )
    assert "room" in error["fields"]


def test_schema_documents_every_limit(client):
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    booking = schema["BookingCreateInputRequest"]["properties"]
    assert booking["title"]["maxLength"] == 200
    assert booking["purpose"]["maxLength"] == 2000
    assert booking["room"]["maximum"] == 2_147_483_647
    household = schema["HouseholdCreateInputRequest"]["properties"]
    assert household["members"]["maxItems"] == 20


# Pages ---------------------------------------------------------------------


def _application(**overrides):
    data = {
        "name": "Kids Cook",
        "kind": Partner.Kind.CHARITY,
        "description": "We cook.",
        "contact_name": "Ann Lee",
        "contact_email": "ann@example.org",
        "email": "ann@example.org",
        "password1": "a-long-Passw0rd-here",
        "password2": "a-long-Passw0rd-here",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "name",
            "Kids\x00Cook",
            "Remove the control character from Organisation name.",
        ),
        ("description", "x" * 100_000, "must be 5000 characters or fewer"),
        ("description", "We\x00cook", "Remove the control character"),
    ],
)
def test_a_form_page_refuses_bad_text_and_saves_nothing(client, field, value, message):
    before = Partner.objects.count()
    response = client.post(reverse("partners:apply"), _application(**{field: value}))
    assert response.status_code == 200
    assert any(message in str(e) for e in response.context["form"].errors[field])
    assert Partner.objects.count() == before


def test_nul_in_the_sign_in_form_is_refused(client):
    response = client.post(
        reverse("login"), {"username": "ann\x00", "password": "x"}, follow=True
    )
    assert response.status_code == 200


def test_textareas_keep_line_breaks_and_normalise():
    assert clean_text("a\r\nb\tc", multiline=True, label="Note") == "a\r\nb\tc"
    assert clean_text("Cafe\u0301", multiline=False, label="Name") == "Caf\u00e9"
    with pytest.raises(ValueError, match="from Name. It must be one line."):
        clean_text("a\nb", multiline=False, label="Name")
