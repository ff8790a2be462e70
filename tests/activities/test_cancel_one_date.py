"""Issue 13 point 4: a family cancels ONE DATE of a whole-series sign-up.

The place stays theirs (a series is one unit of capacity: nobody can sign up
to one date of it, so the date is not offered to anyone); that date's
register shows them as cancelled for this date, they cannot be marked absent
and so never count as a no-show; the family is asked first, emailed, and can
undo it while the date is still to come. Time is frozen on 1 October 2026;
sessions are Tuesdays 18:00 from 13 October (tests/activities/conftest.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from activities import capacity
from activities.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    StateError,
)
from activities.models import Activity, Attendance, SignUp, SignUpDateCancellation
from activities.notifications import signup_sessions
from activities.register_selectors import register_get
from activities.services import (
    attendance_mark,
    attendance_set,
    session_cancel,
    signup_cancel_date,
    signup_restore_date,
)
from activities.services.registers import sessions_missed
from hub.models import AuditEntry
from tests.activities.factories import (
    approved_booking,
    family,
    make_activity,
    sign_up,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(activity):
    """A family of a carer and two children with a whole-series place; the
    four dates."""
    household, members = family(children=2)
    signup = sign_up(activity, household, members).signup
    return signup, list(activity.sessions.order_by("starts_at"))


def _cancel(signup, session, **kwargs):
    return signup_cancel_date(
        signup=signup, session=session, cancelled_by=signup.household.user, **kwargs
    )


# The service -------------------------------------------------------------------


def test_one_date_off_keeps_the_place_and_is_audited_and_emailed(
    series, mailoutbox, django_capture_on_commit_callbacks
):
    signup, dates = series
    with django_capture_on_commit_callbacks(execute=True):
        _cancel(signup, dates[1], reason="Visiting grandparents")
    signup.refresh_from_db()
    assert (signup.status, signup.places) == ("confirmed", 3)
    [off] = SignUpDateCancellation.objects.all()
    assert (off.signup, off.session, off.reason) == (
        signup,
        dates[1],
        "Visiting grandparents",
    )
    entry = AuditEntry.objects.get(action="signup.date_cancelled")
    assert entry.actor == signup.household.user
    assert entry.changes == {"cancelled_date": [None, dates[1].pk]}
    assert entry.reason == "Visiting grandparents"
    [email] = mailoutbox
    assert email.subject == "Cancelled for one date: Cook and eat"
    assert "not coming to Cook and eat on Tuesday 20 October 2026 at 18:00" in (
        email.body
    )
    assert "Tuesday 13 October 2026" in email.body  # still coming to the others
    assert "Tuesday 20 October 2026, 18:00" not in email.body


def test_the_date_is_not_offered_to_anyone_else(activity, series):
    """A series is one unit: the place on that date stays the family's, so
    the count of places does not change and a waiting family stays waiting."""
    activity.capacity = 3
    activity.save()
    signup, dates = series
    waiting = sign_up(activity, *family(children=1, carers=0)).signup
    before = capacity.places_in_unit(activity=activity, session=None)
    _cancel(signup, dates[0])
    assert capacity.places_in_unit(activity=activity, session=None) == before
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def test_the_calendar_and_emails_drop_that_date(series):
    signup, dates = series
    _cancel(signup, dates[2])
    assert [s.pk for s in signup_sessions(signup)] == [
        dates[0].pk,
        dates[1].pk,
        dates[3].pk,
    ]


def test_coming_after_all_undoes_it(
    series, mailoutbox, django_capture_on_commit_callbacks
):
    signup, dates = series
    _cancel(signup, dates[0])
    with django_capture_on_commit_callbacks(execute=True):
        signup_restore_date(
            signup=signup, session=dates[0], restored_by=signup.household.user
        )
    assert not SignUpDateCancellation.objects.exists()
    entry = AuditEntry.objects.get(action="signup.date_restored")
    assert entry.changes == {"cancelled_date": [dates[0].pk, None]}
    assert mailoutbox[-1].subject == "Coming after all: Cook and eat"
    with pytest.raises(NotFound, match="you are still coming that day"):
        signup_restore_date(
            signup=signup, session=dates[0], restored_by=signup.household.user
        )


# Bad input: a clear error and nothing changed ------------------------------


def _nothing_changed():
    assert not SignUpDateCancellation.objects.exists()
    assert not AuditEntry.objects.filter(action="signup.date_cancelled").exists()


def test_twice_is_a_conflict(series):
    signup, dates = series
    _cancel(signup, dates[0])
    with pytest.raises(Conflict, match="already told us you are not coming on"):
        _cancel(signup, dates[0])
    assert SignUpDateCancellation.objects.count() == 1


def test_another_family_cannot(series):
    signup, dates = series
    other, _ = family()
    with pytest.raises(PermissionDenied):
        signup_cancel_date(signup=signup, session=dates[0], cancelled_by=other.user)
    _nothing_changed()


def test_a_date_of_another_activity(series):
    signup, _ = series
    elsewhere = make_activity(booking=approved_booking()).sessions.first()
    with pytest.raises(DomainError, match="belongs to another activity") as error:
        _cancel(signup, elsewhere)
    assert error.value.field == "session_id"
    _nothing_changed()


def test_a_date_that_has_passed(series, time_machine):
    signup, dates = series
    time_machine.move_to(dates[0].starts_at + dt.timedelta(minutes=1), tick=False)
    with pytest.raises(StateError, match="started or passed"):
        _cancel(signup, dates[0])
    _nothing_changed()


def test_a_date_the_organiser_cancelled(series, partner_user):
    signup, dates = series
    session_cancel(session=dates[0], cancelled_by=partner_user, reason="Boiler")
    dates[0].refresh_from_db()
    with pytest.raises(StateError, match="organiser has already cancelled"):
        _cancel(signup, dates[0])
    _nothing_changed()


def test_a_per_session_sign_up_is_cancelled_whole(booking):
    activity = make_activity(booking=booking, signup_mode=Activity.SignupMode.SESSION)
    session = activity.sessions.first()
    signup = sign_up(activity, *family(children=1), session=session).signup
    with pytest.raises(StateError, match="one date only: cancel the sign-up"):
        _cancel(signup, session)
    _nothing_changed()


def test_a_waitlist_place_has_no_date_to_cancel(activity):
    activity.capacity = 1
    activity.save()
    sign_up(activity, *family(children=1, carers=0))
    waiting = sign_up(activity, *family(children=1, carers=0)).signup
    with pytest.raises(StateError, match="on the waitlist: only a place you hold"):
        _cancel(waiting, activity.sessions.first())
    _nothing_changed()


def test_a_reason_over_the_limit(series):
    signup, dates = series
    with pytest.raises(DomainError, match="300 characters or fewer") as error:
        _cancel(signup, dates[0], reason="x" * 301)
    assert error.value.field == "reason"
    _nothing_changed()


# The register and no-shows ---------------------------------------------------


def test_the_register_shows_them_cancelled_for_this_date(
    client, series, partner_user, time_machine
):
    signup, dates = series
    _cancel(signup, dates[0])
    time_machine.move_to(dates[0].starts_at, tick=False)
    session = dates[0]
    register = register_get(session=session, user=partner_user)
    rows = {r.member.pk: r for r in register.rows}
    assert {m.pk for m in signup.members.all()} <= set(rows)
    assert all(rows[m.pk].cancelled_date for m in signup.members.all())
    assert register.counts["cancelled_date"] == 3
    client.force_login(partner_user)
    page = client.get(reverse("activities:register", args=[session.pk]))
    body = page.content.decode()
    assert "Cancelled for this date" in body
    assert "3 cancelled for this date" in body
    assert "do not count as absent" in body
    # The page's "save everything" still works beside them.
    response = client.post(reverse("activities:register", args=[session.pk]), {})
    assert response.status_code == 302


def test_they_cannot_be_marked_absent_so_are_never_a_no_show(
    activity,
    series,
    partner_user,
    time_machine,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Cancelled for two dates, the tick-box register marks everyone else
    absent on both: this family has no absent mark and no no-show email; a
    family that did not cancel is a no-show after the second."""
    signup, dates = series
    other, other_members = family(children=1, carers=0)
    sign_up(activity, other, other_members)
    for session in dates[:2]:
        _cancel(signup, session)
    for session in dates[:2]:
        time_machine.move_to(session.starts_at, tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            attendance_mark(
                session=session, marked_by=partner_user, present_member_ids=set()
            )
        child = signup.members.filter(kind="child").first()
        with pytest.raises(DomainError, match="no place in this session"):
            attendance_set(
                session=session, member=child, status="absent", marked_by=partner_user
            )
    household_marks = Attendance.objects.filter(member__household=signup.household)
    assert not household_marks.exists()
    assert (
        sessions_missed(household_id=signup.household_id, activity_id=activity.pk) == 0
    )
    assert sessions_missed(household_id=other.pk, activity_id=activity.pk) == 2
    no_show = [m for m in mailoutbox if m.subject.startswith("We missed you")]
    assert [m.to for m in no_show] == [[other.email]]


def test_once_the_register_is_taken_the_date_cannot_be_cancelled(
    series, partner_user, time_machine
):
    signup, dates = series
    time_machine.move_to(dates[0].starts_at - dt.timedelta(minutes=30), tick=False)
    child = signup.members.filter(kind="child").first()
    attendance_set(
        session=dates[0], member=child, status="present", marked_by=partner_user
    )
    with pytest.raises(StateError, match="register for .* has already been taken"):
        _cancel(signup, dates[0])
    _nothing_changed()


# Pages: asks first, shown on the family's page ------------------------------


def test_the_family_is_asked_before_a_date_is_cancelled(client, series):
    signup, dates = series
    client.force_login(signup.household.user)
    detail = client.get(reverse("activities:signup-detail", args=[signup.pk]))
    url = reverse("activities:signup-date-cancel", args=[signup.pk, dates[1].pk])
    assert url in detail.content.decode()
    cancel_page = client.get(reverse("activities:signup-cancel", args=[signup.pk]))
    assert url in cancel_page.content.decode()
    ask = client.get(url)
    body = ask.content.decode()
    assert "Not coming to Cook and eat on Tuesday 20 October 2026?" in body
    assert "Yes, we are not coming on 20 October" in body
    assert not SignUpDateCancellation.objects.exists()  # asking changes nothing
    response = client.post(url, {"reason": "Away"})
    assert response.url == reverse("activities:signup-detail", args=[signup.pk])
    assert SignUpDateCancellation.objects.get().reason == "Away"
    page = client.get(response.url).content.decode()
    assert "You are not coming to Cook and eat on Tuesday 20 October" in page
    assert "Not coming" in page and "We are coming after all" in page
    household = client.get(reverse("activities:household")).content.decode()
    assert "Not coming on: Tuesday 20 October." in household


def test_the_page_shows_a_refused_date_as_an_error(client, series):
    signup, dates = series
    _cancel(signup, dates[0])
    client.force_login(signup.household.user)
    url = reverse("activities:signup-date-cancel", args=[signup.pk, dates[0].pk])
    assert "already told us you are not coming" in client.get(url).content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "You have already told us you are not coming on" in (
        response.content.decode()
    )
    assert SignUpDateCancellation.objects.count() == 1


def test_coming_after_all_from_the_page(client, series):
    signup, dates = series
    _cancel(signup, dates[1])
    client.force_login(signup.household.user)
    url = reverse("activities:signup-date-restore", args=[signup.pk, dates[1].pk])
    response = client.post(url)
    assert response.url == reverse("activities:signup-detail", args=[signup.pk])
    assert not SignUpDateCancellation.objects.exists()


def test_another_familys_sign_up_is_not_found(client, series):
    signup, dates = series
    other, _ = family()
    client.force_login(other.user)
    url = reverse("activities:signup-date-cancel", args=[signup.pk, dates[0].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    _nothing_changed()


def test_a_date_of_another_activity_is_not_found(client, series):
    signup, _ = series
    elsewhere = make_activity(booking=approved_booking()).sessions.first()
    client.force_login(signup.household.user)
    url = reverse("activities:signup-date-cancel", args=[signup.pk, elsewhere.pk])
    assert client.post(url, {}).status_code == 404
    _nothing_changed()


# API -------------------------------------------------------------------------


def test_the_api_cancels_and_restores_a_date(client, series):
    signup, dates = series
    client.force_login(signup.household.user)
    url = f"/api/v1/signups/{signup.pk}/dates/{dates[2].pk}/cancel/"
    response = client.post(url, {"reason": "Ill"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["cancelled_session_ids"] == [dates[2].pk]
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409
    assert "session_id" in again.json()["error"]["fields"]
    restore = f"/api/v1/signups/{signup.pk}/dates/{dates[2].pk}/restore/"
    response = client.post(restore)
    assert response.status_code == 200
    assert response.json()["cancelled_session_ids"] == []


def test_the_sign_ups_list_stays_a_fixed_number_of_queries(
    client, activity, django_assert_max_num_queries
):
    household, members = family(children=2)
    signup = sign_up(activity, household, members).signup
    for session in activity.sessions.all()[:3]:
        _cancel(signup, session)
    for _ in range(4):
        other = make_activity(booking=approved_booking())
        s = sign_up(other, household, members).signup
        _cancel(s, other.sessions.first())
    client.force_login(household.user)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/signups/")
    assert response.status_code == 200
    assert {len(r["cancelled_session_ids"]) for r in response.json()["results"]} == {
        1,
        3,
    }
    assert SignUp.objects.filter(household=household).count() == 5
