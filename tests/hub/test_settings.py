"""Production settings: DEBUG is off unless DJANGO_DEBUG=true, `check --deploy`
is clean, and a missing secret key stops start-up instead of falling back to
the development key, which only DEBUG (bin/run) and the test suite allow.

Each case runs manage.py in a subprocess so the settings module is read fresh
from the environment given.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "hub.example.org",
}


def test_check_deploy_reports_nothing_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


def test_production_without_a_secret_key_fails_loudly():
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set the DJANGO_SECRET_KEY environment variable." in result.stderr


def test_a_debug_value_that_is_not_a_boolean_fails_loudly():
    result = _manage("check", **{**PRODUCTION, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def _debug_setting(**env: str) -> str:
    code = "from django.conf import settings; print('DEBUG', settings.DEBUG)"
    result = _manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_debug_is_off_unless_switched_on():
    key = PRODUCTION["DJANGO_SECRET_KEY"]
    assert _debug_setting(DJANGO_SECRET_KEY=key) == "DEBUG False"
    assert _debug_setting(DJANGO_SECRET_KEY=key, DJANGO_DEBUG="true") == "DEBUG True"


def test_with_nothing_set_the_secret_key_is_required():
    result = _manage("check")
    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable." in result.stderr


def test_debug_on_needs_no_secret_key():
    assert _debug_setting(DJANGO_DEBUG="true") == "DEBUG True"


def test_the_development_server_switches_debug_on():
    assert "export DJANGO_DEBUG=true" in (ROOT / "bin/run").read_text()


def test_benchmarks_measure_with_production_settings():
    """Speed is measured as production runs: DEBUG off (no query log)."""
    script = (ROOT / "bin/bench").read_text()
    assert "export DJANGO_DEBUG=false" in script
    assert "DJANGO_DEBUG=true" not in script


def test_the_test_suite_reads_the_development_defaults(settings):
    """hub.settings_test: the development key and plain HTTP, with no environment."""
    if not os.environ.get("DJANGO_SECRET_KEY"):
        assert settings.SECRET_KEY == "dev-only-insecure-key"
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SESSION_COOKIE_SECURE is False
