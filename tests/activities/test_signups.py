"""Signing up whole families, the waitlist and its promotion (invariant 2),
and every bad-input case of the issue: a clear error, nothing saved."""

import datetime as dt

import pytest

from activities.errors import Conflict, DomainError, PermissionDenied
from activities.models import Activity, Referral, SignUp
from activities.services import (
    referral_create,
    signup_cancel,
    signup_create,
)
from tests.activities.factories import family, make_activity
from tests.activities.factories import sign_up as sign

pytestmark = pytest.mark.django_db


def test_a_family_of_three_gets_three_places(
    activity, mailoutbox, django_capture_on_commit_callbacks
):
    household, members = family(children=2)
    with django_capture_on_commit_callbacks(execute=True):
        result = sign(activity, household, members)
    assert result.signup.status == SignUp.Status.CONFIRMED
    assert result.signup.places == 3
    assert result.position is None
    assert [m.subject for m in mailoutbox] == ["Your place is booked: Cook and eat"]


def test_when_full_the_family_is_told_its_waitlist_number(booking):
    activity = make_activity(booking=booking, capacity=4)
    sign(activity, *family(children=3))
    second = sign(activity, *family(children=1))
    third = sign(activity, *family(children=1))
    assert second.signup.status == SignUp.Status.WAITLISTED
    assert second.message == "This activity is full: you are number 1 on the waitlist."
    assert third.position == 2


def test_cancelling_frees_places_and_promotes_the_first_family_that_fits(
    booking, mailoutbox, django_capture_on_commit_callbacks
):
    activity = make_activity(booking=booking, capacity=4)
    first = sign(activity, *family(children=2, carers=1)).signup  # 3 places
    sign(activity, *family(children=0, carers=1))  # 1 place: full now
    big = sign(activity, *family(children=3, carers=1)).signup  # 4: waits, #1
    small = sign(activity, *family(children=1, carers=1)).signup  # 2: waits, #2
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup=first, cancelled_by=first.household.user)
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.status == SignUp.Status.WAITLISTED  # needs 4, only 3 free
    assert small.status == SignUp.Status.CONFIRMED
    assert "A place came up for you" in mailoutbox[0].subject
    assert mailoutbox[0].to == [small.household.email]


def test_a_promoted_family_may_decline_and_the_next_one_is_promoted(booking):
    activity = make_activity(booking=booking, capacity=2)
    first = sign(activity, *family(children=1)).signup
    second = sign(activity, *family(children=1)).signup
    third = sign(activity, *family(children=1)).signup
    signup_cancel(signup=first, cancelled_by=first.household.user)
    second.refresh_from_db()
    assert second.status == SignUp.Status.CONFIRMED
    signup_cancel(
        signup=second,
        cancelled_by=second.household.user,
        kind=SignUp.Status.DECLINED,
    )
    third.refresh_from_db()
    second.refresh_from_db()
    assert (second.status, third.status) == ("declined", "confirmed")


def test_reserved_referral_places_are_used_only_by_referrals(booking, link_worker):
    activity = make_activity(booking=booking, capacity=4, referral_places=2)
    sign(activity, *family(children=1))  # 2 general places used
    walk_in = sign(activity, *family(children=0))
    assert walk_in.signup.status == SignUp.Status.WAITLISTED
    household, members = family(children=1)
    referral_create(
        referred_by=link_worker,
        household_reference=household.reference,
        activity=activity,
    )
    referred = sign(activity, household, members)
    assert referred.signup.status == SignUp.Status.CONFIRMED
    assert referred.signup.referral.status == Referral.Status.USED


def test_series_signup_for_single_session_activity_is_refused(booking):
    activity = make_activity(booking=booking, signup_mode="session")
    household, members = family()
    with pytest.raises(DomainError) as exc:
        sign(activity, household, members)
    assert exc.value.field == "session"
    session = activity.sessions.first()
    assert sign(activity, household, members, session=session).signup.session == session


# Bad input: each a clear error naming the problem, nothing saved.


def _refused(activity, household, members, error=DomainError, session=None):
    before = SignUp.objects.count()
    with pytest.raises(error) as exc:
        sign(activity, household, members, session=session)
    assert SignUp.objects.count() == before
    return exc.value


def test_before_the_window_opens(booking):
    from tests.activities.factories import london

    activity = make_activity(booking=booking, signup_opens_at=london(2026, 10, 5, 9))
    error = _refused(activity, *family())
    assert (
        error.message
        == "Sign-up opens on 5 October 2026 at 09:00. Please come back then."
    )


def test_after_the_window_closes(booking):
    activity = make_activity(
        booking=booking, signup_closes_at=dt.datetime(2026, 9, 30, tzinfo=dt.UTC)
    )
    assert "closed" in _refused(activity, *family()).message


def test_a_child_outside_the_age_range(booking):
    activity = make_activity(booking=booking, min_age=11, max_age=16)
    error = _refused(activity, *family(children=1))
    assert error.field == "members"
    assert (
        "is 8 on 13 October 2026: this activity is for children aged 11 to 16"
        in error.message
    )


def test_a_member_of_another_household(activity):
    household, members = family()
    _, others = family()
    error = _refused(activity, household, members + others[:1], PermissionDenied)
    assert error.field == "members"


def test_more_members_than_the_household_limit(booking):
    activity = make_activity(booking=booking, max_places_per_household=2)
    error = _refused(activity, *family(children=2))
    assert "at most 2 places" in error.message


def test_signing_up_twice(activity):
    household, members = family()
    sign(activity, household, members[:1])
    error = _refused(activity, household, members[1:], Conflict)
    assert "already signed up" in error.message


def test_an_ineligible_household_to_an_eligible_only_activity(booking, manager):
    from activities.services import household_verify_eligibility

    activity = make_activity(booking=booking, eligibility=Activity.Eligibility.ELIGIBLE)
    household, members = family(fsm_claimed=True)  # saying so is not enough
    assert (
        "free school meals"
        in _refused(activity, household, members, PermissionDenied).message
    )
    household_verify_eligibility(household=household, verified_by=manager)
    assert sign(activity, household, members).signup.status == "confirmed"


def test_a_family_cannot_verify_its_own_eligibility(activity):
    from activities.services import household_verify_eligibility

    household, _ = family()
    with pytest.raises(PermissionDenied):
        household_verify_eligibility(household=household, verified_by=household.user)
    household.refresh_from_db()
    assert household.fsm_verified_at is None


def test_a_non_referred_household_to_a_referral_only_activity(booking):
    activity = make_activity(booking=booking, eligibility=Activity.Eligibility.REFERRAL)
    assert "referral only" in _refused(activity, *family(), PermissionDenied).message


def test_no_members_chosen(activity):
    household, _ = family()
    assert _refused(activity, household, []).field == "members"


def test_a_draft_activity(booking):
    activity = make_activity(booking=booking, status=Activity.Status.DRAFT)
    assert "not open" in _refused(activity, *family(), Conflict.__mro__[1]).message


def test_someone_else_cannot_sign_a_household_up(activity, partner_user):
    household, members = family()
    with pytest.raises(PermissionDenied):
        signup_create(
            household=household,
            activity=activity,
            members=members,
            created_by=partner_user,
        )
    assert SignUp.objects.count() == 0


def test_a_person_listed_twice_takes_one_place(activity):
    household, members = family(children=1)
    result = sign(activity, household, members + members[:1])
    assert result.signup.places == 2
