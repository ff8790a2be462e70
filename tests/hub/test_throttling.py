"""Throttling (hub.throttles): DRF's rate throttles on every API view and, through
`hub.throttles.check`, on the sign-in, password reset, sign-up and partner
application pages; 429 with Retry-After, the JSON error body in the API and a
plain page elsewhere. The test settings switch throttling off (rates None);
each test here sets the rates it needs and starts from an empty cache.
"""

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from tests.activities.factories import approved_booking, family, make_activity
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SCHOOL_WIFI = "203.0.113.7"  # one address shared by every family


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rates(settings):
    """Set throttle rates for this test (others stay off), on an empty cache."""

    def set_rates(**given):
        unlimited = dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**unlimited, **given},
        }
        cache.clear()

    yield set_rates
    cache.clear()


def _api(user=None, address=SCHOOL_WIFI) -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    if user is not None:
        client.force_authenticate(user)
    return client


def _assert_throttled_json(response, wait: int):
    assert response.status_code == 429
    assert response["Retry-After"] == str(wait)
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert error["details"] == [{"wait_seconds": wait}]
    assert error["fields"] == {}
    assert "seconds" in error["message"]


# The API


def test_anonymous_callers_are_counted_by_address(rates):
    rates(anon="2/min")
    assert _api().get("/api/v1/sites/").status_code == 200
    assert _api().get("/api/v1/sites/").status_code == 200
    _assert_throttled_json(_api().get("/api/v1/sites/"), 60)
    assert _api(address="198.51.100.1").get("/api/v1/sites/").status_code == 200


def test_the_window_moves_on(rates, time_machine):
    rates(anon="1/min")
    assert _api().get("/api/v1/sites/").status_code == 200
    assert _api().get("/api/v1/sites/").status_code == 429
    time_machine.shift(dt.timedelta(seconds=61))
    assert _api().get("/api/v1/sites/").status_code == 200


def test_an_unknown_api_address_is_json_even_when_throttled(rates):
    rates(anon="1/min")
    _api().get("/api/v1/sites/")
    response = _api().get("/api/v1/nowhere/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_signed_in_callers_are_counted_by_account_not_address(rates):
    rates(anon="1/min", user="2/min")
    amira, ben = UserFactory(), UserFactory()
    for _ in range(2):
        assert _api(amira).get("/api/v1/sites/").status_code == 200
    _assert_throttled_json(_api(amira).get("/api/v1/sites/"), 60)
    # Same address, another account: not held back by Amira.
    assert _api(ben).get("/api/v1/sites/").status_code == 200


@pytest.fixture
def activity(db):
    return make_activity(booking=approved_booking(), capacity=10)


def _sign_up(household, members, activity, address=SCHOOL_WIFI):
    body = {"activity_id": activity.pk, "member_ids": [m.pk for m in members]}
    return _api(household.user, address).post("/api/v1/signups/", body, format="json")


def test_a_launch_rush_from_one_address_is_not_throttled(rates, activity):
    """50 families on the school's wifi each sign up once as places open."""
    rates(anon="120/min", user="600/min", signup="1/min")
    statuses = {_sign_up(*family(children=1), activity).status_code for _ in range(50)}
    assert statuses == {201}  # places, then the waitlist; nobody refused


def test_one_family_hammering_the_sign_up_is_throttled(rates, activity):
    rates(user="600/min", signup="2/min")
    household, members = family(children=1)
    assert _sign_up(household, members, activity).status_code == 201
    assert _sign_up(household, members, activity).status_code == 409  # already
    _assert_throttled_json(_sign_up(household, members, activity), 60)
    # Reading is not a sign-up: the scope is for writes only.
    assert _api(household.user).get("/api/v1/signups/").status_code == 200


def test_referrals_are_throttled_by_link_worker(rates, activity, link_worker):
    rates(referral="1/hour")
    household, _ = family()
    body = {"household_reference": household.reference, "activity_id": activity.pk}
    client = _api(link_worker)
    assert client.post("/api/v1/referrals/", body, format="json").status_code == 201
    response = client.post("/api/v1/referrals/", body, format="json")
    _assert_throttled_json(response, 3600)


def test_the_schema_documents_429_with_retry_after():
    response = APIClient().get("/api/schema/", {"format": "json"})
    operation = response.json()["paths"]["/api/v1/signups/"]["post"]
    documented = operation["responses"]["429"]
    assert documented["headers"]["Retry-After"]["required"] is True
    assert documented["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


# Pages


def _post(client, url, data, address=SCHOOL_WIFI):
    return client.post(url, data, REMOTE_ADDR=address)


def _assert_throttled_page(response, wait: int):
    assert response.status_code == 429
    assert response["Retry-After"] == str(wait)
    assert response["Content-Type"].startswith("text/html")
    assert b"Too many attempts" in response.content
    assert b"try again" in response.content


def test_sign_in_is_throttled_by_address(rates, client):
    rates(login="2/min")
    user = UserFactory(username="amira")
    url = reverse("login")
    wrong = {"username": "amira", "password": "nope"}
    assert _post(client, url, wrong).status_code == 200  # the form, with an error
    assert _post(client, url, wrong).status_code == 200
    _assert_throttled_page(_post(client, url, wrong), 60)
    # The right password from the same address waits too ...
    right = {"username": user.username, "password": PASSWORD}
    assert _post(client, url, right).status_code == 429
    # ... but the page still shows, and another address may sign in.
    assert client.get(url, REMOTE_ADDR=SCHOOL_WIFI).status_code == 200
    assert _post(client, url, right, address="198.51.100.1").status_code == 302


def test_password_reset_is_throttled_by_address(rates, client):
    rates(password_reset="1/hour")
    url = reverse("password_reset")
    assert _post(client, url, {"email": "amira@example.org"}).status_code == 302
    _assert_throttled_page(_post(client, url, {"email": "ben@example.org"}), 3600)


def test_partner_application_is_throttled(rates, client):
    rates(partner_apply="1/hour")
    url = reverse("partners:apply")
    assert _post(client, url, {"name": ""}).status_code == 200  # form errors
    _assert_throttled_page(_post(client, url, {"name": ""}), 3600)
    assert client.get(url, REMOTE_ADDR=SCHOOL_WIFI).status_code == 200


def test_family_account_sign_up_is_throttled_by_address(rates, client):
    rates(signup="1/min")
    url = reverse("signup-family")
    assert _post(client, url, {"username": ""}).status_code == 200
    _assert_throttled_page(_post(client, url, {"username": ""}), 60)


def test_activity_sign_up_page_counts_the_family_not_the_address(rates, activity):
    from django.test import Client

    rates(signup="1/min")
    url = reverse("activities:signup", args=[activity.pk])
    for _ in range(3):
        household, members = family(children=1)
        client = Client()
        client.force_login(household.user)
        data = {"members": [m.pk for m in members]}
        assert _post(client, url, data).status_code == 302
    _assert_throttled_page(_post(client, url, data), 60)


def test_nothing_is_throttled_with_the_test_settings(client):
    """The suite's own rates: none, and the cache is never touched."""
    cache.clear()
    for _ in range(10):
        _post(client, reverse("login"), {"username": "x", "password": "y"})
        _api().get("/api/v1/sites/")
    assert not cache._cache  # locmem: nothing stored


# Settings


def test_rates_come_from_the_environment_and_counts_from_redis_when_set():
    code = (
        "from django.conf import settings as s;"
        "print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['login']);"
        "print(s.CACHES['default']['BACKEND'])"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env = {
        **base,
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "THROTTLE_RATE_LOGIN": "3/hour",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    login_rate, backend = result.stdout.split()
    assert login_rate == "3/hour"
    assert backend == "hub.cache.HubRedisCache"  # Redis, one client per pool


# With Redis, as in production


@pytest.fixture
def redis_cache(settings):
    """The production cache (hub.cache on Redis), keys under a fresh prefix;
    skipped where no Redis answers (CI has one)."""
    from tests.hub.test_cache import URL, _redis_answers

    if not _redis_answers():
        pytest.skip("no Redis at REDIS_URL")
    settings.CACHES = {
        "default": {
            "BACKEND": "hub.cache.HubRedisCache",
            "LOCATION": URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


def _redis_round_trips(monkeypatch) -> list[str]:
    """Every command or pipeline the request sends to Redis, in order."""
    import redis.client

    sent = []
    command, pipeline = (
        redis.client.Redis.execute_command,
        redis.client.Pipeline.execute,
    )

    def count_command(self, *args, **options):
        sent.append(args[0])
        return command(self, *args, **options)

    def count_pipeline(self, *args, **options):
        sent.append("pipeline")
        return pipeline(self, *args, **options)

    monkeypatch.setattr(redis.client.Redis, "execute_command", count_command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", count_pipeline)
    return sent


def test_with_redis_a_sign_up_reads_and_writes_its_throttles_once_each(
    settings, redis_cache, activity, monkeypatch
):
    """A launch-day sign-up counts against the account's allowance and the
    sign-up scope: both histories are read in one round trip and written in
    one, and the counting is still right (the third sign-up is refused)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]),
            "user": "600/min",
            "signup": "2/hour",
        },
    }
    household, members = family(children=1)
    sent = _redis_round_trips(monkeypatch)
    assert _sign_up(household, members, activity).status_code == 201
    assert sent == ["MGET", "pipeline"]
    assert _sign_up(household, members, activity).status_code == 409  # already
    _assert_throttled_json(_sign_up(household, members, activity), 3600)
    # The account's own allowance counted all three; reading is not throttled
    # by the sign-up scope.
    assert _api(household.user).get("/api/v1/signups/").status_code == 200
