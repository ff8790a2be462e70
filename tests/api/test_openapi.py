"""The contract checker itself (tests/api/openapi.py) and the schema rules of
hub.api_schema, on small hand-made documents and views."""

import json

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from hub.api_base import ApiView, StrictInputSerializer
from hub.api_schema import is_page, paginated
from tests.api.openapi import assert_matches_schema, request_problems, to_json_schema

DOC = {
    "paths": {
        "/things/{id}/": {
            "get": {
                "responses": {
                    "200": {
                        "description": "",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing"}
                            }
                        },
                    },
                    "404": {"description": "", "content": {"application/json": {}}},
                }
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "starts_at": {"type": "string", "format": "date-time"},
                    "opens_at": {"type": "string", "format": "time"},
                    "note": {"type": "string", "nullable": True},
                    "kind": {
                        "allOf": [{"$ref": "#/components/schemas/Kind"}],
                        "nullable": True,
                    },
                },
                "required": ["id"],
            },
            "Kind": {"type": "string", "enum": ["a", "b"]},
        }
    },
}


def answer(body, status=200):
    return HttpResponse(
        json.dumps(body), status=status, content_type="application/json"
    )


def check(body, status=200):
    assert_matches_schema(DOC, "GET", "/things/{id}/", answer(body, status))


def test_a_matching_body_passes():
    check({"id": 1, "starts_at": "2026-10-13T18:00:00+01:00", "opens_at": "15:30:00"})
    check({"id": 1, "note": None, "kind": None})
    check({"id": 1, "kind": "a"})


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"id": "1"}, "is not of type 'integer'"),
        ({}, "'id' is a required property"),
        ({"id": 1, "extra": 2}, "'extra' was unexpected"),
        ({"id": 1, "kind": "c"}, "is not valid"),
        ({"id": 1, "starts_at": "2026-10-13T18:00:00"}, "is not a 'date-time'"),
        ({"id": 1, "opens_at": "6pm"}, "is not a 'time'"),
    ],
)
def test_a_wrong_body_fails_saying_where(body, complaint):
    with pytest.raises(AssertionError, match=complaint):
        check(body)


def test_an_undocumented_status_fails():
    with pytest.raises(AssertionError, match="does not document"):
        check({"id": 1}, status=409)


def test_nullable_becomes_json_schema_null():
    assert to_json_schema({"type": "string", "nullable": True}) == {
        "type": ["string", "null"]
    }
    assert to_json_schema({"type": "string", "enum": ["a"], "nullable": True}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }


# hub.api_schema on small views


class ThingOutput(serializers.Serializer):
    id = serializers.IntegerField()


class ThingInput(StrictInputSerializer):
    name = serializers.CharField(max_length=20)


class ThingListApi(ApiView):
    public = True
    throttle_classes = []  # not throttled: no 429

    @extend_schema(responses=paginated(ThingOutput))
    def get(self, request):
        return self.page([], ThingOutput)


class ThingApi(ApiView):
    extra_error_statuses = {"patch": (415,)}
    omit_error_statuses = (403,)

    @extend_schema(responses=ThingOutput)
    def get(self, request, thing_id):
        return Response({"id": thing_id})

    @extend_schema(request=ThingInput, responses=ThingOutput)
    def patch(self, request, thing_id):
        return Response({"id": thing_id})


urlpatterns = [
    path("things/", ThingListApi.as_view()),
    path("things/<int:thing_id>/", ThingApi.as_view()),
]


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)


def statuses(schema, method, url):
    return sorted(schema["paths"][url][method]["responses"])


def test_a_page_documents_page_params_and_a_404(schema):
    op = schema["paths"]["/things/"]["get"]
    assert op["operationId"].endswith("_list")  # not _retrieve
    params = {p["name"]: p for p in op["parameters"]}
    assert params["page_size"]["schema"]["maximum"] == 200
    assert params["page"]["schema"]["minimum"] == 1
    assert statuses(schema, "get", "/things/") == ["200", "404"]  # public: no 401/403
    assert is_page(paginated(ThingOutput))
    assert not is_page(ThingOutput)


def test_error_statuses_follow_the_rules_and_the_view(schema):
    # Every view is throttled (hub.throttles): 429 with Retry-After.
    assert statuses(schema, "get", "/things/{thing_id}/") == [
        "200",
        "401",
        "404",
        "429",
    ]
    patch = schema["paths"]["/things/{thing_id}/"]["patch"]["responses"]
    assert sorted(patch) == ["200", "400", "401", "404", "409", "413", "415", "429"]
    assert "WWW-Authenticate" in patch["401"]["headers"]
    assert patch["429"]["headers"]["Retry-After"]["required"] is True
    for status in ("400", "401", "404", "409", "413", "415", "429"):
        ref = patch[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/Error"
    error = schema["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["required"] == ["code", "message", "fields", "details"]


REQUEST_DOC = {
    "paths": {
        "/things/": {
            "post": {
                "parameters": [
                    {
                        "name": "size",
                        "in": "query",
                        "schema": {"type": "integer", "maximum": 9},
                    }
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ThingRequest"}
                        }
                    }
                },
                "responses": {"201": {"description": ""}},
            }
        }
    },
    "components": {
        "schemas": {
            "ThingRequest": {
                "type": "object",
                "properties": {"places": {"type": "integer", "minimum": 1}},
                "required": ["places"],
            }
        }
    },
}


def test_request_problems_say_what_the_schema_refuses():
    def problems(**kwargs):
        return request_problems(REQUEST_DOC, "POST", "/things/", **kwargs)

    assert problems(body={"places": 2}, query={"size": 3}) == []
    assert "places: 0 is less than the minimum of 1" in problems(body={"places": 0})
    assert problems(body={"places": 2, "colour": "red"})  # unknown field
    assert problems(query={"size": 10}) == ["size: 10 is greater than the maximum of 9"]
    assert problems(query={"colour": "red"}) == [
        "query parameter 'colour' is not documented"
    ]


def test_the_published_schema_is_valid_and_generates_without_warnings(tmp_path):
    """drf-spectacular's own check: any warning (a serializer it cannot read,
    an enum name clash, a type hint missing) fails the build."""
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yml"
    )
