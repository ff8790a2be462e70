"""The count run under the unit lock (activities.capacity.unit_count) is SQL
written out by hand for the launch-day rush. It must mean exactly what the
ORM definitions mean (holding_q, expired_holds_q, the active statuses), on
both databases, or families are oversold or refused. This holds them together
over every kind of sign-up a unit can have."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from activities import capacity
from activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    Activity,
    Household,
    Referral,
    SignUp,
)
from tests.activities.factories import make_activity

pytestmark = pytest.mark.django_db

# (status, hold relative to now in minutes or None, referred, places)
KINDS = [
    ("confirmed", None, False, 2),
    ("confirmed", None, True, 1),
    ("waitlisted", None, False, 3),
    ("waitlisted", None, True, 1),
    ("awaiting_payment", 10, False, 2),  # a live hold: counted
    ("awaiting_payment", 10, True, 1),
    ("awaiting_payment", -1, False, 4),  # expired, not yet released: not counted
    ("cancelled", None, False, 5),
    ("declined", None, False, 1),
    ("expired", None, False, 1),
]


def _fill(activity: Activity, session) -> list[Household]:
    user_model = get_user_model()
    households, now = [], timezone.now()
    for n, (status, hold, referred, places) in enumerate(KINDS):
        user = user_model.objects.create(username=f"u{session and session.pk}-{n}")
        household = Household.objects.create(
            user=user,
            name=f"Family {n}",
            reference=f"U{n:02d}{session.pk if session else 0:05d}",
        )
        referral = None
        if referred:
            referral = Referral.objects.create(
                referred_by=user, household=household, activity=activity
            )
        SignUp.objects.create(
            household=household,
            activity=activity,
            session=session,
            places=places,
            status=status,
            hold_expires_at=now + dt.timedelta(minutes=hold) if hold else None,
            referral=referral,
            created_by=user,
        )
        households.append(household)
    return households


def _expected(activity, session, household) -> capacity.UnitCount:
    """The same figures from the ORM definitions."""
    unit = capacity.unit_signups(activity=activity, session=session)
    return capacity.UnitCount(
        places=capacity.places_in_unit(activity=activity, session=session),
        waiting=unit.filter(status="waitlisted").count(),
        expired=unit.filter(capacity.expired_holds_q()).count(),
        household_active=unit.filter(
            Q(household=household) & Q(status__in=ACTIVE_SIGNUP_STATUSES)
        ).count(),
    )


@pytest.mark.parametrize("mode", ["series", "session"])
def test_the_locked_count_matches_the_orm_definitions(mode):
    activity = make_activity(capacity=40, referral_places=3, signup_mode=mode)
    session = activity.sessions.first() if mode == "session" else None
    households = _fill(activity, session)
    other = activity.sessions.last() if mode == "session" else None
    if other is not None:  # another session's sign-ups must not leak in
        _fill(activity, other)
    for household in households:
        with transaction.atomic():
            state = capacity.unit_lock(activity=activity, session=session)
            got = capacity.unit_count(
                activity=activity,
                session=session,
                state=state,
                household_id=household.pk,
            )
        assert got == _expected(activity, session, household)
    # And the figures themselves, so a shared mistake cannot pass unseen:
    # general 2 + 2 (live hold), referral 1 + 1, 2 waiting, 1 expired hold.
    assert (got.places.general_used, got.places.referral_used) == (4, 2)
    assert (got.waiting, got.expired) == (2, 1)
    assert got.places.capacity == 40 and got.places.referral_places == 3


def test_the_lock_reads_the_row_as_it_is_now():
    activity = make_activity(capacity=12)
    Activity.objects.filter(pk=activity.pk).update(capacity=5, status="cancelled")
    with transaction.atomic():
        state = capacity.unit_lock(activity=activity, session=None)
    assert (state.capacity, state.activity_status) == (5, "cancelled")
