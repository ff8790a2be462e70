"""Emails after commit: confirmation with an .ics read back, promotion,
cancellation (by the partner, or because the room booking was cancelled)."""

import datetime as dt

import pytest
from icalendar import Calendar

from activities.models import Session, SignUp
from activities.services import (
    activity_cancel,
    session_cancel,
    signup_cancel,
)
from bookings.models import Booking
from bookings.signals import slots_cancelled
from tests.activities.factories import LONDON, family, make_activity, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


def test_confirmation_has_details_and_an_ics_in_london_time(
    activity, mailoutbox, run_on_commit
):
    household, members = family(children=1)
    run_on_commit(sign_up, activity=activity, household=household, members=members)
    (mail,) = mailoutbox
    assert "Main hall, Hillside Primary" in mail.body
    assert "Tuesday 27 October 2026, 18:00 to 20:00" in mail.body  # after the change
    name, content, mimetype = mail.attachments[0]
    assert (name, mimetype) == ("activity.ics", "text/calendar")
    cal = Calendar.from_ical(content)
    events = cal.events
    assert [e.start for e in events] == [
        dt.datetime(2026, 10, d, 18, 0, tzinfo=LONDON) for d in (13, 20, 27)
    ] + [dt.datetime(2026, 11, 3, 18, 0, tzinfo=LONDON)]
    assert all(e.start.tzinfo.key == "Europe/London" for e in events)
    assert "TZID=Europe/London" in content
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/London"]
    uid = events[0].uid
    assert uid.startswith(f"activity-session-{activity.sessions.first().pk}-household-")


def test_the_ics_uid_is_stable(activity):
    from activities.notifications import signup_ics, signup_sessions

    household, members = family(children=1)
    signup = sign_up(activity, household, members).signup
    first = Calendar.from_ical(signup_ics(signup, signup_sessions(signup)))
    second = Calendar.from_ical(signup_ics(signup, signup_sessions(signup)))
    assert [e.uid for e in first.events] == [e.uid for e in second.events]


def test_waitlisted_and_promoted_emails(booking, mailoutbox, run_on_commit):
    activity = make_activity(booking=booking, capacity=1)
    a, a_members = family(children=0)
    b, b_members = family(children=0)
    first = run_on_commit(sign_up, activity=activity, household=a, members=a_members)
    run_on_commit(sign_up, activity=activity, household=b, members=b_members)
    assert "You are number 1 on the waitlist" in mailoutbox[1].body
    assert not mailoutbox[1].attachments
    run_on_commit(signup_cancel, signup=first.signup, cancelled_by=a.user)
    assert mailoutbox[2].subject == "A place came up for you: Cook and eat"
    assert mailoutbox[2].attachments


def test_nothing_is_sent_for_a_rolled_back_signup(
    activity, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    household, members = family(children=0)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        sign_up(activity, household, members)
        raise RuntimeError
    assert mailoutbox == []
    assert SignUp.objects.count() == 0


def test_cancelling_the_activity_tells_every_family(
    activity, partner_user, mailoutbox, run_on_commit
):
    households = [family(children=1) for _ in range(3)]
    for household, members in households:
        sign_up(activity, household, members)
    run_on_commit(
        activity_cancel,
        activity=activity,
        cancelled_by=partner_user,
        reason="Flooded kitchen",
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(h.email for h, _ in households)
    assert all("Reason: Flooded kitchen" in m.body for m in mailoutbox)
    assert set(SignUp.objects.values_list("status", flat=True)) == {"cancelled"}


def test_cancelling_a_session_keeps_series_places(
    activity, partner_user, mailoutbox, run_on_commit
):
    household, members = family(children=1)
    sign_up(activity, household, members)
    session = activity.sessions.order_by("starts_at")[2]
    run_on_commit(
        session_cancel,
        session=session,
        reason="Staff training",
        cancelled_by=partner_user,
    )
    (mail,) = mailoutbox
    assert "session on Tuesday 27 October 2026 at 18:00 is cancelled" in mail.body
    assert SignUp.objects.get().status == "confirmed"


def test_another_partner_cannot_cancel_a_session(activity, other_partner_user):
    from activities.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        session_cancel(
            session=activity.sessions.first(),
            reason="x",
            cancelled_by=other_partner_user,
        )
    assert activity.sessions.filter(status="cancelled").count() == 0


def test_a_cancelled_room_booking_cancels_sessions_once(
    activity, mailoutbox, booking, django_capture_on_commit_callbacks
):
    household, members = family(children=1)
    sign_up(activity, household, members)
    slot_ids = list(booking.slots.values_list("pk", flat=True)[:2])
    for _ in range(2):  # delivered twice: receivers must be idempotent
        with django_capture_on_commit_callbacks(execute=True):
            slots_cancelled.send(
                sender=Booking, slot_ids=slot_ids, reason="Boiler broken"
            )
    assert Session.objects.filter(status="cancelled").count() == 2
    assert len(mailoutbox) == 2
    assert all("Boiler broken" in m.body for m in mailoutbox)


def test_the_real_booking_cancel_reaches_activities(
    activity, booking, partner_user, mailoutbox, django_capture_on_commit_callbacks
):
    from bookings.services import booking_cancel
    from partners.models import PartnerMembership

    PartnerMembership.objects.get_or_create(partner=booking.partner, user=partner_user)
    household, members = family(children=1)
    sign_up(activity, household, members)
    slot = booking.slots.order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(
            booking=booking,
            cancelled_by=partner_user,
            reason="Room flooded",
            slot_id=slot.pk,
        )
    assert Session.objects.get(slot=slot).status == "cancelled"
    assert any(household.email in m.to for m in mailoutbox)
