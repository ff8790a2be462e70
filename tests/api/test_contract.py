"""The API keeps its published contract: every operation in /api/schema/ is
called (a success and each documented error) and every response must be one
the schema documents, with a body that matches it (tests/api/openapi.py).

- `test_every_operation_has_a_contract_case`: a new endpoint without cases in
  tests/api/cases.py fails here, and so does a case for a removed one.
- `test_operation_keeps_its_contract[...]`: one test per operation; it makes
  every call (a 429 too: the success call twice at one request an hour), then fails listing each one that went wrong, and each
  documented error status no case produces (see cases.NOT_PRODUCIBLE). The
  requests are checked too: the schema must accept each successful one and
  refuse the bad values of each 400 (so every limit is in the schema).

Run: .venv/bin/python -m pytest tests/api -q
"""

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from tests.api.cases import CASES, NOT_PRODUCIBLE, UNKNOWN, Call, World
from tests.api.openapi import assert_matches_schema, request_problems

pytestmark = pytest.mark.django_db

_SCHEMA = {}


@pytest.fixture
def schema():
    """The published schema, fetched once as a client would."""
    if not _SCHEMA:
        response = APIClient().get("/api/schema/", {"format": "json"})
        assert response.status_code == 200, response.content[:500]
        _SCHEMA.update(json.loads(response.content))
    return _SCHEMA


def operations(schema) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_has_a_contract_case(schema):
    published = operations(schema)
    missing = sorted(published - set(CASES))
    stale = sorted(set(CASES) - published)
    assert not missing, (
        "operations without a contract case in tests/api/cases.py:\n"
        + ("\n".join(missing))
    )
    assert not stale, "contract cases for operations not in the schema:\n" + (
        "\n".join(stale)
    )


@pytest.mark.parametrize("operation", sorted(CASES))
def test_operation_keeps_its_contract(schema, operation):
    method, path = operation.split(" ", 1)
    assert operation in operations(schema), f"{operation} is not in the schema"
    documented = {
        int(s)
        for s in schema["paths"][path][method.lower()]["responses"]
        if s[0] == "4"
    }
    problems = []
    covered = set()
    for key, call in CASES[operation](World()).items():
        status, label = key if isinstance(key, tuple) else (key, "")
        covered.add(status)
        name = f"[{status}{' ' + label if label else ''}]"
        problems += [f"{name} {p}" for p in _check(schema, method, path, status, call)]
    for status in sorted(documented - covered):
        reason = NOT_PRODUCIBLE.get((operation, status), "no contract case")
        problems.append(
            f"[{status}] documented but never produced ({reason}): "
            "drop it with omit_error_statuses, or add a case"
        )
    assert not problems, f"{operation}:\n" + "\n".join(problems)


def _check(schema, method, path, status, call: Call) -> list[str]:
    problems = _request_problems(schema, method, path, status, call)
    if call.throttled:
        response = _throttled(method, path, call)
    else:
        response = _send(method, path, call)
    body = response.content.decode(errors="replace")[:600]
    if response.status_code != status:
        return [*problems, f"expected {status}, got {response.status_code}: {body}"]
    try:
        assert_matches_schema(schema, method, path, response)
    except AssertionError as exc:
        problems.append(str(exc))
    if status == 400:
        fields = response.json()["error"]["fields"]
        sent = {**(call.body or {}), **(call.query or {})}
        wanted = call.blames or (
            "not_a_field" if UNKNOWN.keys() & sent.keys() else None
        )
        if wanted and wanted not in fields:
            problems.append(f"400 does not name {wanted!r} in fields: {body}")
    return problems


def _send(method, path, call: Call):
    client = APIClient()
    if call.user is not None:
        client.force_authenticate(call.user)
    url = path.format(**call.path)
    if call.query:
        url += "?" + urlencode(call.query)
    if method == "GET":
        return client.get(url)
    if call.content_type:
        return client.generic(method, url, "a body", content_type=call.content_type)
    return getattr(client, method.lower())(url, data=call.body, format="json")


def _throttled(method, path, call: Call):
    """The second of two calls when every throttle allows one an hour (the
    test settings switch throttling off)."""
    one_an_hour = dict.fromkeys(
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1/hour"
    )
    with override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": one_an_hour,
        }
    ):
        cache.clear()
        try:
            _send(method, path, call)
            return _send(method, path, call)
        finally:
            cache.clear()


def _request_problems(schema, method, path, status, call: Call) -> list[str]:
    """A successful request must be one the schema accepts; the bad values of
    a 400 case must be ones it refuses (the limit is in the schema)."""
    if 200 <= status < 300:
        refused = request_problems(
            schema, method, path, body=call.body, query=call.query
        )
        if refused:
            return ["the schema refuses the successful request: " + "; ".join(refused)]
    if status == 400 and call.bad and not call.beyond_schema:
        refused = request_problems(
            schema,
            method,
            path,
            body=_known(call.body),
            query=_known(call.query),
        )
        if not refused:
            return [
                f"the schema accepts {call.bad} but the server refuses it: "
                "state the limit in the serializer"
            ]
    return []


def _known(params: dict | None) -> dict | None:
    """`params` without the unknown field the 400 cases add."""
    if params is None:
        return None
    return {k: v for k, v in params.items() if k not in UNKNOWN}
