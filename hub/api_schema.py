"""OpenAPI schema pieces shared by every API module (drf-spectacular).

`paginated(Serializer)` documents a list endpoint's envelope
``{count, next, previous, results: [...]}``; use it as
``@extend_schema(responses=paginated(ThingOutput))``. Every operation whose
success response is such an envelope also gets the ``page`` and ``page_size``
query parameters (limits from `hub.api_base.HubPagination`) and a 404 for a
page past the end.

`HubAutoSchema` (the project's ``DEFAULT_SCHEMA_CLASS``) documents, for every
operation, the error statuses it can answer with the one error body
(`Error`, written by hub.api_errors):

- 400 when the operation takes a request body or query parameters (other
  than ``page``/``page_size``),
- 401 (with ``WWW-Authenticate``) and 403 unless the view is public
  (``ApiView.public = True``, or its permissions let anyone in),
- 404 when the path has parameters, or the response is a page,
- 409 for POST, PUT, PATCH and DELETE,
- 413 for POST, PUT, PATCH and DELETE (a body over 1 MB: hub.request_limits
  refuses it, for any API address, before the view reads it),
- 429 (with ``Retry-After``) when the view has throttles (every view:
  hub.throttles),
- any 4xx the view's ``@extend_schema(responses=...)`` names (its body is
  always the error body, whatever serializer was given).

A view corrects the rules with two class attributes, either a tuple for all
its methods or a dict by method name, so the schema lists exactly what the
operation can answer (tests/api/test_contract.py checks both ways)::

    class HouseholdMineApi(ApiView):
        extra_error_statuses = (404,)  # no household yet, without an id in the path
        omit_error_statuses = {"get": (403,), "patch": (403, 409)}

`paginated()` marks its serializers with ``page_of`` (a 1-tuple of the item serializer);
`is_page()` asks for that mark.
"""

import copy
from functools import cache

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import OpenApiGeneratorExtension, ResolvedComponent
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticatedOrReadOnly

from hub.input_limits import TIME_HELP, TIME_PATTERN

PAGE_PARAMS = ("page", "page_size")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

ERROR_DESCRIPTIONS = {
    400: "Invalid input. `fields` names every field to fix (nested items as "
    "dotted names, e.g. `members.0.first_name`); unknown fields are refused, "
    "named in `fields`.",
    401: "Not signed in. Send `Authorization: Token <key>` (or a session "
    "cookie with a CSRF token).",
    403: "Signed in, but not allowed to do this.",
    404: "No such object, or none you may see (or a page past the end).",
    405: "This method is not allowed here.",
    409: "The object's state, or something it clashes with, does not allow "
    "this now; `details` lists what clashes.",
    413: "The request body is over 1 MB.",
    415: "Send the body as application/json.",
    429: "Too many requests; `details` says how many seconds to wait.",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error body of every API error.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Machine-readable, e.g. invalid, not_found, "
                    "permission_denied, not_authenticated, conflict, "
                    "invalid_state, try_again.",
                },
                "message": {
                    "type": "string",
                    "description": "What went wrong, in plain English.",
                },
                "fields": {
                    "type": "object",
                    "description": "Messages by field name; empty when no "
                    "field is to blame.",
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "string"},
                    },
                },
                "details": {
                    "type": "array",
                    "description": "More about the error (e.g. each clashing "
                    "date); empty when there is nothing more.",
                    "items": {"type": "object", "additionalProperties": {}},
                },
            },
            "required": ["code", "message", "fields", "details"],
            "additionalProperties": False,
        }
    },
    "required": ["error"],
    "additionalProperties": False,
}


@cache
def paginated(serializer_class):
    """A serializer describing one page of `serializer_class` items (a
    serializer class, or a PolymorphicProxySerializer for "one of these")."""
    if isinstance(serializer_class, PolymorphicProxySerializer):
        name = serializer_class.component_name
        results = PolymorphicProxySerializer(
            component_name=name,
            serializers=serializer_class.serializers,
            resource_type_field_name=None,
            many=True,
        )
        module = __name__
    else:
        name = serializer_class.__name__
        results = serializer_class(many=True)
        module = serializer_class.__module__
    for suffix in ("Serializer", "Output"):
        name = name.removesuffix(suffix)
    return type(
        f"Paginated{name}List",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(min_value=0),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": results,
            # Marker for HubAutoSchema (a tuple, so a serializer instance is not
            # taken for a declared field).
            "page_of": (serializer_class,),
            "__module__": module,
        },
    )


def is_page(serializer) -> bool:
    """True for a serializer (class or instance) made by `paginated()`."""
    cls = serializer if isinstance(serializer, type) else type(serializer)
    return getattr(cls, "page_of", None) is not None


class HubAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the project's error and paging rules
    (see the module docstring)."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        self._direction = direction  # for _insert_field_validators
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A nested list (MemberInput(many=True, max_length=20)) shows its limits,
        # which drf-spectacular leaves out; hub.input_limits explains them.
        if isinstance(field, serializers.ListSerializer) and isinstance(schema, dict):
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
            if field.min_length is not None:
                schema["minItems"] = field.min_length
        # A time of day is the site's wall-clock time with no offset, which
        # OpenAPI's `format: time` (RFC 3339, offset required) does not say.
        if isinstance(field, serializers.TimeField) and isinstance(schema, dict):
            schema["pattern"] = TIME_PATTERN
            if TIME_HELP not in schema.get("description", ""):
                schema["description"] = (
                    f"{schema.get('description', '')} {TIME_HELP}".strip()
                )
        return schema

    def _insert_field_validators(self, field, schema):
        # An email in a response is as stored, and an optional one is stored
        # as "": document it as drf-spectacular documents an input that may
        # be blank, "an email, or empty" (anyOf: a checker that counts "" as
        # an email must not find it valid under both), not `format: email`.
        blank_in_response = (
            getattr(self, "_direction", None) == "response"
            and isinstance(field, serializers.EmailField)
            and not field.allow_blank
        )
        if blank_in_response:
            field = copy.copy(field)
            field.allow_blank = True
        super()._insert_field_validators(field, schema)
        if blank_in_response and "oneOf" in schema:
            schema["anyOf"] = schema.pop("oneOf")

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(
            path, path_regex, path_prefix, method, registry
        )
        if operation is None:
            return None
        paged = self._returns_page()
        if paged:
            operation["parameters"] = [
                p
                for p in operation.get("parameters", [])
                if not (p["in"] == "query" and p["name"] in PAGE_PARAMS)
            ] + _page_parameters()
        responses = operation["responses"]
        for status in sorted(self.error_statuses(operation, paged=paged)):
            described = responses.get(str(status), {}).get("description")
            responses[str(status)] = self._error_response(status, described)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def get_operation_id(self) -> str:
        """``..._list`` for a GET that answers a page (not ``..._retrieve``)."""
        operation_id = super().get_operation_id()
        if operation_id.endswith("_retrieve") and self._returns_page():
            operation_id = operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def error_statuses(self, operation: dict, *, paged: bool) -> set[int]:
        """The 4xx statuses this operation documents (module docstring rules)."""
        query = [
            p
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p["name"] not in PAGE_PARAMS
        ]
        statuses = {int(s) for s in operation["responses"] if s.startswith("4")}
        if "requestBody" in operation or query:
            statuses.add(400)
        if not self._is_public():
            statuses |= {401, 403}
        if paged or any(p["in"] == "path" for p in operation.get("parameters", [])):
            statuses.add(404)
        if self.method in WRITE_METHODS:
            statuses |= {409, 413, 415}  # 415: a body that is not JSON
        if self.view.get_throttles():
            statuses.add(429)
        statuses |= set(self._view_statuses("extra_error_statuses"))
        return statuses - set(self._view_statuses("omit_error_statuses"))

    def _view_statuses(self, attribute: str) -> tuple[int, ...]:
        value = getattr(self.view, attribute, ())
        if isinstance(value, dict):
            value = value.get(self.method.lower(), ())
        return tuple(value)

    def _is_public(self) -> bool:
        """Anyone may call it: every permission lets an anonymous caller in."""
        if getattr(self.view, "public", False):
            return True
        permissions = self.view.get_permissions()
        return all(
            isinstance(p, AllowAny)
            or (
                isinstance(p, IsAuthenticatedOrReadOnly) and self.method in SAFE_METHODS
            )
            for p in permissions
        )

    def _returns_page(self) -> bool:
        responses = self.get_response_serializers()
        if isinstance(responses, dict):
            responses = [v for k, v in responses.items() if str(k).startswith("2")]
        else:
            responses = [responses]
        for response in responses:
            response = getattr(response, "response", response)  # OpenApiResponse
            if response is not None and is_page(response):
                return True
        return False

    def _error_response(self, status: int, description: str | None) -> dict:
        component = ResolvedComponent(
            name="Error",
            type=ResolvedComponent.SCHEMA,
            schema=ERROR_SCHEMA,
            object="hub.api_errors.error_body",
        )
        self.registry.register_on_missing(component)
        response = {
            "description": description or ERROR_DESCRIPTIONS.get(status, "Error."),
            "content": {"application/json": {"schema": component.ref}},
        }
        if status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer", "minimum": 0},
                    "required": True,
                }
            }
        if status == 401:
            response["headers"] = {
                "WWW-Authenticate": {
                    "description": "How to authenticate: `Token`.",
                    "schema": {"type": "string"},
                    "required": True,
                }
            }
        return response


def _page_parameters() -> list[dict]:
    from hub.api_base import HubPagination

    return [
        {
            "name": "page",
            "in": "query",
            "required": False,
            "description": "Page number, from 1.",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        },
        {
            "name": HubPagination.page_size_query_param,
            "in": "query",
            "required": False,
            "description": f"Items per page, at most {HubPagination.max_page_size}.",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": HubPagination.max_page_size,
                "default": HubPagination.page_size,
            },
        },
    ]


def load_extensions() -> None:
    """Import every drf-spectacular extension's target now. drf-spectacular
    does it on first use without a lock, and for a package that is not
    installed (its dj-rest-auth support, say) a second thread generating the
    schema at the same moment reads the name the first has just set to None:
    in a fresh gthread worker two concurrent /api/schema/ requests got a 500
    (found by the live fuzz). Run when this module is first imported, under
    Python's import lock, before any request can generate the schema."""
    for base in OpenApiGeneratorExtension.__subclasses__():
        for extension in list(base._registry):
            if isinstance(extension.target_class, str):
                extension._load_class()


load_extensions()
