"""Fuzz the API with schemathesis: every operation in /api/schema/, as an
anonymous caller, a family, a partner's staff and a business manager.

Each operation gets a bounded number of generated requests that fit the
schema (positive) and that break it (negative); half of them aim at real
objects (the contract world's booking, activity, sign-up, ...), the rest at
whatever ids come up. A test fails on any 5xx and on any response the schema
does not document (status, content type, body). Generation is derandomised, so
CI runs the same requests every time; raise FUZZ_EXAMPLES for a long hand run:

    FUZZ_EXAMPLES=500 .venv/bin/python -m pytest tests/fuzz -q

Requests go straight into Django's WSGI handler (no socket), inside the test's
transaction; each one is rolled back afterwards, so requests do not depend on
each other and a failure replays on its own. Runs in the normal suite on
SQLite and on PostgreSQL.
"""

import datetime as dt
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.adapter import responses as _responses

from hub.input_limits import is_local_time
from tests.api.cases import World

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
ROLES = ("anonymous", "family", "partner", "manager")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The API's `format: time` is a local wall-clock time ("15:30:00", the site's
# zone, no offset), as tests/api/openapi.py checks it and the schema's pattern
# says (hub.input_limits.TIME_PATTERN): OpenAPI 3.0 defines no "time" format,
# and schemathesis would otherwise apply JSON Schema's RFC 3339 full-time,
# which requires a UTC offset that a wall-clock time cannot have.
def _is_time(value) -> bool:
    return not isinstance(value, str) or is_local_time(value)


_supplemental = _responses.supplemental_formats
_responses.supplemental_formats = lambda cls: {
    **(_supplemental(cls) or {}),
    "time": _is_time,
}


def _operations() -> list[str]:
    """The published operations, read at collection (no request, no database)."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return sorted(
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    )


OPERATIONS = _operations()


_SCHEMA = []


@pytest.fixture
def schema():
    """The published schema, fetched once from the app as a client would, with
    Django's WSGI handler run as the test client runs it: no closing of the
    connection between requests (it holds the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    if not _SCHEMA:
        _SCHEMA.append(schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler()))
    yield _SCHEMA[0]
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(_fuzz_settings):
    return World()


@pytest.fixture
def _fuzz_settings(settings, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _known_ids(world) -> dict[str, int]:
    return {
        "activity_id": world.activity.pk,
        "booking_id": world.booking.pk,
        "partner_id": world.partner.pk,
        "room_id": world.room.pk,
        "signup_id": world.signup.pk,
        "site_id": world.site.pk,
    }


def _headers(world, role) -> dict[str, str]:
    user = {
        "anonymous": None,
        "family": world.family_user,
        "partner": world.partner_user,
        "manager": world.manager,
    }[role]
    if user is None:
        return {}
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_operation_survives_fuzzing(schema, world, operation):
    """Every role in turn against one operation (one world for all four); a
    failure says which role found it."""
    method, path = operation.split(" ", 1)
    op = schema[path][method]
    known = {
        name: value
        for name, value in _known_ids(world).items()
        if name in {p.name for p in op.path_parameters}
    }
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(op.as_strategy(generation_mode=mode))
        if known:
            strategies.append(
                op.as_strategy(generation_mode=mode, path_parameters=known)
            )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=st.one_of(strategies))
    def fuzz(headers, case):
        with transaction.atomic():
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                transaction.set_rollback(True)

    for role in ROLES:
        try:
            fuzz(_headers(world, role))
        except BaseException as error:
            error.add_note(f"Found calling {operation} as {role}.")
            raise
