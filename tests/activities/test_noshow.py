"""No-shows (issue 9, point 2): a household that misses sessions it did not
cancel gets one friendly email after the second missed session of an activity
(not after the first, and not again after the third); partners see the
no-show rate on their activity page."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import NoShowNotice
from activities.register_selectors import activity_no_shows
from activities.services import attendance_set, session_cancel
from hub.models import AuditEntry
from tests.activities.factories import family, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(activity):
    household, members = family(children=1, email="khan@example.org")
    sign_up(activity, household, members)
    return household, members, list(activity.sessions.order_by("starts_at"))


def mark(time_machine, session, members, status, by):
    time_machine.move_to(session.starts_at, tick=False)
    for member in members:
        attendance_set(session=session, member=member, status=status, marked_by=by)


def no_show_emails(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("We missed you")]


def test_one_friendly_email_after_the_second_missed_session(
    booked, partner_user, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    household, members, sessions = booked
    with django_capture_on_commit_callbacks(execute=True):
        mark(time_machine, sessions[0], members, "absent", partner_user)
    assert no_show_emails(mailoutbox) == []  # one miss: nothing
    with django_capture_on_commit_callbacks(execute=True):
        mark(time_machine, sessions[1], members, "absent", partner_user)
    (email,) = no_show_emails(mailoutbox)
    assert email.to == ["khan@example.org"]
    assert "We missed you at the last 2 sessions" in email.body
    assert "cancel your place" in email.body and "still very welcome" in email.body
    assert NoShowNotice.objects.get().missed == 2
    (entry,) = AuditEntry.objects.filter(action="household.no_show_emailed")
    assert entry.reason == f"Missed 2 sessions of {sessions[0].activity.title}"
    with django_capture_on_commit_callbacks(execute=True):
        mark(time_machine, sessions[2], members, "absent", partner_user)
    assert len(no_show_emails(mailoutbox)) == 1  # once, not on every later miss


def test_a_session_where_someone_came_is_not_missed(
    booked, partner_user, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    _, members, sessions = booked
    carer, child = members
    with django_capture_on_commit_callbacks(execute=True):
        mark(time_machine, sessions[0], members, "absent", partner_user)
        # the carer stayed home, the child came late: the household came
        mark(time_machine, sessions[1], [carer], "absent", partner_user)
        mark(time_machine, sessions[1], [child], "late", partner_user)
    assert no_show_emails(mailoutbox) == []


def test_present_marks_never_send_the_email(
    booked, partner_user, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    _, members, sessions = booked
    with django_capture_on_commit_callbacks(execute=True):
        mark(time_machine, sessions[0], members, "absent", partner_user)
        mark(time_machine, sessions[1], members, "absent", partner_user)
    assert len(no_show_emails(mailoutbox)) == 1
    NoShowNotice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        mark(time_machine, sessions[1], members, "present", partner_user)
        mark(time_machine, sessions[2], members, "present", partner_user)
    assert len(no_show_emails(mailoutbox)) == 1  # present marks never email


def test_cancelled_sessions_are_not_missed(
    booked, partner_user, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    _, members, sessions = booked
    with django_capture_on_commit_callbacks(execute=True):
        mark(time_machine, sessions[0], members, "absent", partner_user)
        mark(time_machine, sessions[1], members, "absent", partner_user)
        NoShowNotice.objects.all().delete()
        mailoutbox.clear()
        session_cancel(session=sessions[1], reason="Flood", cancelled_by=partner_user)
        time_machine.move_to(sessions[2].starts_at, tick=False)
        attendance_set(
            session=sessions[2],
            member=members[0],
            status="present",
            marked_by=partner_user,
        )
        attendance_set(
            session=sessions[2],
            member=members[1],
            status="absent",
            marked_by=partner_user,
        )
    assert no_show_emails(mailoutbox) == []


def test_partners_see_the_no_show_rate_on_their_activity_page(
    client,
    booked,
    activity,
    partner_user,
    time_machine,
    django_capture_on_commit_callbacks,
):
    household, members, sessions = booked
    other, others = family(children=1)
    sign_up(activity, other, others)
    with django_capture_on_commit_callbacks(execute=True):
        mark(time_machine, sessions[0], members, "absent", partner_user)
        mark(time_machine, sessions[0], others, "present", partner_user)
        mark(time_machine, sessions[1], members, "absent", partner_user)
        mark(time_machine, sessions[1], others, "late", partner_user)
    summary = activity_no_shows(activity=activity)
    assert (summary.expected, summary.absent, summary.sessions) == (8, 4, 2)
    assert summary.rate == 50 and summary.households_missing_two == 1
    time_machine.move_to(sessions[1].starts_at + dt.timedelta(hours=3), tick=False)
    client.force_login(partner_user)
    page = client.get(reverse("activities:manage", args=[activity.pk])).content.decode()
    assert "No-show rate" in page and "50% (4 of 8 booked places not used)" in page
