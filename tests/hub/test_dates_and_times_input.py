"""Dates, date-times and times in API input (issue 12): one bound for every
date (1900-2099) and date-time (2000-2099) and one format for every time of
day (local wall-clock, no offset), applied by StrictInputSerializer whatever
way a serializer builds its fields, and stated in the schema."""

import json

import pytest
from django.urls import get_resolver
from rest_framework import serializers
from rest_framework.test import APIClient

from activities.models import Household
from bookings.models import Booking
from hub.api_base import StrictInputSerializer
from hub.input_limits import TIME_PATTERN, is_local_time

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


class _Plain(StrictInputSerializer):
    day = serializers.DateField(required=False)
    at = serializers.DateTimeField(required=False)
    time = serializers.TimeField(required=False)
    days = serializers.ListField(
        child=serializers.DateField(), required=False, max_length=3
    )


class _OwnGetFields(StrictInputSerializer):
    """As bookings' AvailabilityQuery: get_fields() without super()."""

    def get_fields(self):
        return {"from": serializers.DateField(required=False)}


def _errors(serializer_class, data):
    serializer = serializer_class(data=data)
    assert not serializer.is_valid()
    return serializer.errors


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"day": "1899-12-31"}, "day", "Enter a date between 1900 and 2099."),
        ({"day": "2100-01-01"}, "day", "Enter a date between 1900 and 2099."),
        ({"at": "1999-12-31T23:59:00Z"}, "at", "between 2000 and 2099"),
        ({"at": "0011-01-01T00:01:00Z"}, "at", "between 2000 and 2099"),
        ({"at": "2100-01-01T00:00:00Z"}, "at", "between 2000 and 2099"),
        ({"time": "18:30+01:00"}, "time", "without a UTC offset"),
        ({"time": "18:30Z"}, "time", "without a UTC offset"),
        ({"time": "24:00"}, "time", "HH:MM"),
        ({"time": "T18"}, "time", "HH:MM"),
    ],
)
def test_out_of_range_dates_and_offset_times_are_refused(data, field, message):
    assert message in str(_errors(_Plain, data)[field])


def test_a_list_of_dates_is_bounded_item_by_item():
    assert "1900" in str(_errors(_Plain, {"days": ["2026-01-01", "1066-10-14"]}))


def test_a_serializer_that_builds_its_own_fields_is_bounded_too():
    assert "1900" in str(_errors(_OwnGetFields, {"from": "0001-01-01"})["from"])


@pytest.mark.parametrize(
    "data",
    [
        {"day": "1900-01-01"},
        {"day": "2099-12-31"},
        {"at": "2000-01-01T00:00:00Z"},
        {"at": "2099-12-31T23:59:59+00:00"},
        {"time": "18:30"},
        {"time": "00:00:00"},
        {"time": "23:59:59.5"},
    ],
)
def test_the_bounds_themselves_are_accepted(data):
    serializer = _Plain(data=data)
    assert serializer.is_valid(), serializer.errors


def test_a_booking_in_2100_is_400_naming_the_date_and_nothing_is_saved(
    client, room, partner_user
):
    client.force_login(partner_user)
    body = {
        "room": room.pk,
        "title": "Family cooking",
        "expected_attendees": 20,
        "first_day": "2100-01-05",
        "start_time": "18:00+05:00",
        "end_time": "20:00",
    }
    response = client.post(BOOKINGS, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["first_day"] == ["Enter a date between 1900 and 2099."]
    assert "without a UTC offset" in fields["start_time"][0]
    assert Booking.objects.count() == 0


def test_a_grandparent_born_in_1931_is_accepted_but_not_one_born_in_1850(
    client, outsider
):
    client.force_login(outsider)

    def create(born):
        member = {"kind": "carer", "first_name": "Nan", "date_of_birth": born}
        body = {"name": "Khan", "members": [member]}
        return client.post(
            "/api/v1/households/me/", json.dumps(body), content_type="application/json"
        )

    response = create("1850-03-01")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["members.0.date_of_birth"]
    assert Household.objects.count() == 0
    assert create("1931-03-01").status_code == 201


def test_availability_from_year_one_is_400_not_a_crash(site, partner_user):
    client = APIClient()
    client.force_authenticate(partner_user)
    response = client.get(
        f"/api/v1/sites/{site.pk}/availability/", {"from": "0001-01-01"}
    )
    assert response.status_code == 400
    assert "from" in response.json()["error"]["fields"]


def _schema():
    response = APIClient().get("/api/schema/", {"format": "json"})
    return json.loads(response.content)


def _string_formats(node, path=()):
    if isinstance(node, dict):
        if node.get("format") in ("date", "date-time", "time"):
            yield path, node
        for key, value in node.items():
            yield from _string_formats(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _string_formats(value, (*path, str(i)))


def test_the_schema_states_every_input_dates_bound_and_every_times_format():
    """Bodies (components; inputs are the …Request ones) and query parameters
    (which carry the description beside the schema)."""
    assert get_resolver().url_patterns
    schema = _schema()
    missing = []
    for path, node in _string_formats(schema["components"]):
        where = "/".join(path)
        if node["format"] == "time":
            if node.get("pattern") != TIME_PATTERN or "no UTC offset" not in node.get(
                "description", ""
            ):
                missing.append(where)
        elif "Request/" in where and "Between" not in node.get("description", ""):
            missing.append(where)
    for url, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method} {url} {parameter['name']}"
                described = parameter.get("description", "")
                kind = parameter["schema"].get("format")
                if kind in ("date", "date-time") and "Between" not in described:
                    missing.append(where)
                if kind == "time" and (
                    parameter["schema"].get("pattern") != TIME_PATTERN
                    or "no UTC offset" not in described
                ):
                    missing.append(where)
    assert missing == []


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("18:30", True),
        ("18:30:00", True),
        ("18:30:00.123456", True),
        ("18:30:00+01:00", False),
        ("18:30Z", False),
        ("25:00", False),
        ("18:60", False),
        (1830, False),
    ],
)
def test_is_local_time_is_the_schemas_pattern(value, ok):
    assert is_local_time(value) is ok
