"""Settings that depend on the services around the product.

DATABASE_PGBOUNCER: behind pgbouncer in transaction mode a server
connection serves many clients' transactions in turn, so Django must not keep
server-side cursors (they outlive a transaction) nor hold connections open
(docs/capacity-plan.md). REDIS_URL: sessions are read from Redis and written
through to the database. Settings are read once per process, so each case
starts a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import django, json; django.setup();"
    "from django.conf import settings as s; d = s.DATABASES['default'];"
    "print(json.dumps([d.get('DISABLE_SERVER_SIDE_CURSORS', False), d['CONN_MAX_AGE']]))"
)


def _database_settings(**env) -> list:
    return _run(PRINT, **env)


def _run(code: str, **env):
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REDIS"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base
        | {"DJANGO_SETTINGS_MODULE": "hub.settings", "DJANGO_DEBUG": "true"}
        | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


PG = "postgres://hub@db.internal:6432/hub"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": PG}, [False, 60]),  # direct: keep connections a minute
        ({"DATABASE_URL": PG, "DATABASE_PGBOUNCER": "true"}, [True, 0]),
        ({"DATABASE_PGBOUNCER": "true"}, [False, 0]),  # SQLite: nothing to pool
    ],
)
def test_pgbouncer_mode_turns_off_what_transaction_pooling_breaks(env, expected):
    assert _database_settings(**env) == expected


@pytest.mark.parametrize(
    ("env", "engine"),
    [
        ({}, "django.contrib.sessions.backends.db"),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/0"},
            "django.contrib.sessions.backends.cached_db",
        ),
    ],
)
def test_sessions_are_read_from_redis_when_there_is_one(env, engine):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps(s.SESSION_ENGINE))"
    )
    assert _run(code, **env) == engine


def test_every_scheduled_job_names_a_task_that_exists():
    """A typo in CELERY_BEAT_SCHEDULE would fail only at night, in beat."""
    from django.conf import settings

    from hub.celery import app

    app.loader.import_default_modules()
    names = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.tasks.rollup_check" in names
    assert names <= set(app.tasks), names - set(app.tasks)
