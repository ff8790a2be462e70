"""The sign-up's one read of its activity (selectors.activity_for_signup) brings
the unit's session dates and the family's open referral in hand-written
subqueries, for the launch-day rush. They must give exactly what the ORM gives,
on both databases, or a family is told wrongly that nothing is left, gets a
referral place it has no referral for, or is refused one it has."""

import datetime as dt

import pytest
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from activities import selectors
from activities.models import Referral, Session
from tests.activities.factories import HouseholdFactory, make_activity
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _expected(activity, household):
    now = timezone.now()
    found = activity.sessions.filter(status=Session.Status.SCHEDULED).aggregate(
        last=Max("starts_at"),
        first=Min("starts_at", filter=Q(starts_at__gt=now)),
        left=Count("pk", filter=Q(starts_at__gt=now)),
    )
    referral = Referral.objects.filter(
        activity=activity, household=household, status=Referral.Status.OPEN
    ).first()
    return found["last"], found["first"], found["left"], referral and referral.pk


def _read(activity, household):
    read = selectors.activity_for_signup(
        activity_id=activity.pk, user=activity.created_by, household=household
    )
    return (
        read.unit_last_start,
        read.unit_first_upcoming,
        read.unit_left,
        read.open_referral_id,
    )


def _refer(household, activity, status, days_ago):
    referral = Referral.objects.create(
        referred_by=UserFactory(), household=household, activity=activity, status=status
    )
    created = timezone.now() - dt.timedelta(days=days_ago)
    Referral.objects.filter(pk=referral.pk).update(created_at=created)
    return referral


def test_dates_and_referral_match_the_orm_for_every_kind_of_session_and_referral():
    now = timezone.now()
    activity = make_activity(created_by=UserFactory(is_superuser=True))
    sessions = list(activity.sessions.order_by("starts_at"))
    assert len(sessions) == 4
    # One session has run, one is cancelled, two are still to come.
    Session.objects.filter(pk=sessions[0].pk).update(
        starts_at=now - dt.timedelta(days=1)
    )
    Session.objects.filter(pk=sessions[3].pk).update(status=Session.Status.CANCELLED)
    Session.objects.filter(pk=sessions[1].pk).update(
        starts_at=now + dt.timedelta(days=3)
    )
    Session.objects.filter(pk=sessions[2].pk).update(
        starts_at=now + dt.timedelta(days=10)
    )
    other = make_activity()
    referred, used, plain = HouseholdFactory(), HouseholdFactory(), HouseholdFactory()
    _refer(referred, activity, Referral.Status.WITHDRAWN, days_ago=5)
    open_one = _refer(referred, activity, Referral.Status.OPEN, days_ago=1)
    _refer(referred, activity, Referral.Status.WITHDRAWN, days_ago=0)
    _refer(used, activity, Referral.Status.USED, days_ago=2)
    _refer(used, activity, Referral.Status.WITHDRAWN, days_ago=1)
    _refer(plain, other, Referral.Status.OPEN, days_ago=1)

    for household in (referred, used, plain):
        assert _read(activity, household) == _expected(activity, household)
    last, first, left, referral_id = _read(activity, referred)
    assert (last, first, left) == (
        now + dt.timedelta(days=10),
        now + dt.timedelta(days=3),
        2,
    )
    assert referral_id == open_one.pk  # not a withdrawn one, older or newer
    assert _read(activity, used)[3] is None
    assert _read(activity, plain)[3] is None  # a referral elsewhere does not count


def test_an_activity_with_no_sessions_left_reads_none_and_zero():
    activity = make_activity(created_by=UserFactory(is_superuser=True))
    activity.sessions.update(status=Session.Status.CANCELLED)
    household = HouseholdFactory()
    assert _read(activity, household) == (None, None, 0, None)
    assert _read(activity, household) == _expected(activity, household)
