"""hub.cache.HubRedisCache: Django's Redis cache, with one client kept per
connection pool instead of one built per call (every API request makes four
cache calls for its throttles). Runs against the real Redis when one answers
at REDIS_URL (CI has one); skipped otherwise."""

import os
import socket
import threading
import uuid
from urllib.parse import urlsplit

import pytest

from hub.cache import HubRedisCache

URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"


def _redis_answers() -> bool:
    parts = urlsplit(URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), 1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="no Redis at REDIS_URL")


@pytest.fixture
def cache():
    return HubRedisCache(URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_values_go_to_redis_and_come_back(cache):
    cache.set("throttle_user_7", [1.5, 2.5], 60)
    assert cache.get("throttle_user_7") == [1.5, 2.5]
    assert cache.add("throttle_user_7", [], 60) is False  # already there
    cache.delete("throttle_user_7")
    assert cache.get("throttle_user_7", "gone") == "gone"


def test_one_client_serves_every_call(cache):
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is first
    assert cache._cache.get_client() is first  # one server: reads use it too


def test_the_shared_client_is_safe_across_threads(cache):
    errors = []

    def work(n):
        try:
            for i in range(50):
                cache.set(f"k{n}-{i}", i, 60)
                assert cache.get(f"k{n}-{i}") == i
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_set_each_stores_every_key_with_its_own_expiry(cache):
    cache.set("gone_soon", "old", 60)
    cache.set_each(
        {
            "throttle_user_7": ([3.0, 2.0], 60),
            "throttle_signup_7": ([3.0], 3600),
            "gone_soon": (None, 0),  # a timeout of 0 removes the key, as in set()
        }
    )
    assert cache.get("throttle_user_7") == [3.0, 2.0]
    assert cache.get("throttle_signup_7") == [3.0]
    assert cache.get("gone_soon", "removed") == "removed"
    client = cache._cache.get_client(write=True)
    assert 55 <= client.ttl(cache.make_key("throttle_user_7")) <= 60
    assert 3595 <= client.ttl(cache.make_key("throttle_signup_7")) <= 3600
