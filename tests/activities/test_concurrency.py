"""Invariant 2 under load: a sign-up rush from real threads, each with its own
database connection.

The real test: 200 households sign up at once to an activity with 30 places.
Exactly 30 places are confirmed, the other 170 are waitlisted in arrival order
(primary-key order, as rows are inserted under the lock) with positions 1..170,
and nobody sees any error. The control switches the lock off and slows the
count a little: the race then confirms more than 30 places, which proves the
real test can fail.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from activities import capacity
from activities.models import Household, HouseholdMember, SignUp
from tests.activities.factories import make_activity, sign_up
from tests.conftest import requires_postgres

WORKERS = 40  # PostgreSQL allows 100 connections, shared with other test runs


def _households(n: int) -> list[tuple[Household, list[HouseholdMember]]]:
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"rush{i}") for i in range(n)
    )
    households = Household.objects.bulk_create(
        Household(
            user=users[i],
            name=f"Rush family {i}",
            email=f"rush{i}@example.org",
            reference=f"RUSH{i:04d}",
        )
        for i in range(n)
    )
    members = HouseholdMember.objects.bulk_create(
        HouseholdMember(household=h, kind="carer", first_name=f"Carer {h.name}")
        for h in households
    )
    return [(h, [m]) for h, m in zip(households, members, strict=True)]


def _rush(activity, families, workers=WORKERS):
    """Every household signs up at the same moment. Returns (results, errors)."""
    start = threading.Barrier(min(workers, len(families)))
    results, errors = [], []

    def one(index, household, members):
        try:
            if index < workers:
                start.wait(timeout=30)
            results.append(sign_up(activity, household, members))
        except Exception as exc:  # noqa: BLE001 - the test asserts there are none
            errors.append(repr(exc))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for index, (household, members) in enumerate(families):
            pool.submit(one, index, household, members)
    return results, errors


def _assert_no_oversell(activity, total, places):
    confirmed = SignUp.objects.filter(activity=activity, status="confirmed")
    waitlisted = SignUp.objects.filter(activity=activity, status="waitlisted")
    assert sum(s.places for s in confirmed) == places
    assert waitlisted.count() == total - places
    first_pks = list(
        SignUp.objects.filter(activity=activity)
        .order_by("pk")
        .values_list("pk", flat=True)[:places]
    )
    assert sorted(confirmed.values_list("pk", flat=True)) == first_pks


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_200_households_rush_30_places_on_postgres(booking):
    activity = make_activity(booking=booking, capacity=30)
    results, errors = _rush(activity, _households(200))
    assert errors == []
    _assert_no_oversell(activity, 200, 30)
    positions = sorted(r.position for r in results if r.position is not None)
    assert positions == list(range(1, 171))
    by_arrival = sorted((r for r in results if r.position), key=lambda r: r.signup.pk)
    assert [r.position for r in by_arrival] == list(range(1, 171))
    assert by_arrival[-1].message == (
        "This activity is full: you are number 170 on the waitlist."
    )


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_rush_oversells(booking, monkeypatch):
    """The control: no lock, and a 50 ms pause between counting and inserting."""
    activity = make_activity(booking=booking, capacity=5)
    real = capacity.unit_count

    def slow_count(**kwargs):
        count = real(**kwargs)
        time.sleep(0.05)
        return count

    monkeypatch.setattr(capacity, "LOCKING", False)
    monkeypatch.setattr(capacity, "unit_count", slow_count)
    _rush(activity, _households(20), workers=20)
    confirmed = SignUp.objects.filter(activity=activity, status="confirmed").count()
    assert confirmed > 5


def _file_db() -> bool:
    name = str(connection.settings_dict["NAME"])
    return settings.IS_POSTGRES or ("memory" not in name and name != ":memory:")


@pytest.mark.django_db(transaction=True)
def test_a_smaller_rush_on_any_database(booking):
    """SQLite serialises with BEGIN IMMEDIATE (a file database is needed for
    threads: set DATABASE_TEST_NAME); PostgreSQL with the row lock."""
    if not _file_db():
        pytest.skip("threads need a file or server database")
    activity = make_activity(booking=booking, capacity=6)
    results, errors = _rush(activity, _households(24), workers=8)
    assert errors == []
    _assert_no_oversell(activity, 24, 6)
