"""Invariant 2 with paid places: a sign-up rush from real threads while
holds expire and the release job runs at the same time.

Ten places are held by families who never pay (their holds have just
ended) and five families wait. Then 30 households sign up at once while two
threads run the release job. Whoever counts places first releases the ended
holds and promotes the waitlist in order, so: the five waiting families get
the places first (held for payment), then the first five of the rush in
arrival order; the rest wait; never more than ten places held; no errors.
"""

import datetime as dt
import threading

import pytest
from django.db import connection

from activities.models import SignUp
from activities.services.signups import holds_release_all_expired
from tests.activities.factories import make_activity
from tests.activities.test_concurrency import _file_db, _households, _rush
from tests.conftest import requires_postgres

NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
Status = SignUp.Status


@pytest.fixture
def _card_payments(settings):
    settings.USE_STRIPE = True  # holds; no call reaches Stripe when signing up


def _seed(activity, families, status, hold):
    rows = SignUp.objects.bulk_create(
        SignUp(
            household=household,
            activity=activity,
            places=1,
            status=status,
            hold_expires_at=hold,
            amount_pence=500,
            created_by=household.user,
        )
        for household, _ in families
    )
    for row, (_, members) in zip(rows, families, strict=True):
        row.members.set(members)
    return sorted(r.pk for r in SignUp.objects.filter(activity=activity, status=status))


def _rush_with_jobs(activity, families, jobs=2):
    errors = []

    def job():
        try:
            holds_release_all_expired()
        except Exception as exc:  # noqa: BLE001 - the test asserts there are none
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    results, rush_errors = _rush(activity, families, workers=min(20, len(families)))
    for thread in threads:
        thread.join(timeout=60)
    return results, errors + rush_errors


def _check(activity, *, expired, waiting, capacity, rushed):
    rows = dict(SignUp.objects.filter(activity=activity).values_list("pk", "status"))
    assert all(rows[pk] == Status.EXPIRED for pk in expired)
    assert all(rows[pk] == Status.AWAITING_PAYMENT for pk in waiting)
    holding = [
        pk for pk, s in rows.items() if s in (Status.AWAITING_PAYMENT, Status.CONFIRMED)
    ]
    assert len(holding) == capacity  # one place each
    newcomers = sorted(pk for pk in rows if pk not in expired and pk not in waiting)
    assert len(newcomers) == rushed
    free_after_waitlist = capacity - len(waiting)
    # The first newcomers in arrival order hold the rest; the others wait.
    assert sorted(set(holding) - set(waiting)) == newcomers[:free_after_waitlist]
    assert all(rows[pk] == Status.WAITLISTED for pk in newcomers[free_after_waitlist:])


def _scene(booking, time_machine, *, capacity, waiting):
    time_machine.move_to(NOW, tick=False)
    activity = make_activity(booking=booking, capacity=capacity, price_pence=500)
    families = _households(capacity + waiting + 30)
    ended = NOW - dt.timedelta(minutes=1)
    expired = _seed(activity, families[:capacity], Status.AWAITING_PAYMENT, ended)
    queue = _seed(
        activity, families[capacity : capacity + waiting], Status.WAITLISTED, None
    )
    return activity, expired, queue, families[capacity + waiting :]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_rush_while_holds_expire_never_oversells_on_postgres(
    booking, time_machine, _card_payments
):
    activity, expired, queue, rush = _scene(
        booking, time_machine, capacity=10, waiting=5
    )
    results, errors = _rush_with_jobs(activity, rush)
    assert errors == []
    _check(activity, expired=expired, waiting=queue, capacity=10, rushed=30)


@pytest.mark.django_db(transaction=True)
def test_a_smaller_rush_while_holds_expire_on_any_database(
    booking, time_machine, _card_payments
):
    if not _file_db():
        pytest.skip("threads need a file or server database")
    activity, expired, queue, rush = _scene(
        booking, time_machine, capacity=4, waiting=2
    )
    results, errors = _rush_with_jobs(activity, rush[:10], jobs=1)
    assert errors == []
    _check(activity, expired=expired, waiting=queue, capacity=4, rushed=10)
