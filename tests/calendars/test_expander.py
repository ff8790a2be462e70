"""Each feed read back by an independent expander (recurring-ical-events):
its instants equal the API's occurrences and sessions over a school year that
crosses both clock changes, with a cancelled date, a moved date, bank
holidays, half terms and a closure."""

import datetime as dt

import recurring_ical_events
from icalendar import Calendar

from calendars.models import FeedToken
from tests.calendars.conftest import LONDON, feed_path, link_for, london

YEAR = (dt.datetime(2026, 9, 1, tzinfo=LONDON), dt.datetime(2027, 8, 31, tzinfo=LONDON))


def instants(client, user, kind, target):
    """{(start, end): cancelled?} of every instance the expander finds."""
    body = client.get(feed_path(link_for(user, kind, target))).content
    cal = Calendar.from_ical(body)
    found = {}
    for event in recurring_ical_events.of(cal).between(*YEAR):
        key = (event.start, event.end)
        assert key not in found, f"two events at {key}"
        found[key] = str(event.get("STATUS")) == "CANCELLED"
    return found


def api(client, user, path):
    client.force_login(user)
    data = client.get(path).json()
    client.logout()
    return data


def parse(value):
    return dt.datetime.fromisoformat(value)


def test_site_feed_instants_equal_the_api_occurrences(
    client, anon, year_booking, manager
):
    occurrences = api(client, manager, f"/api/v1/bookings/{year_booking.pk}/")[
        "occurrences"
    ]
    expected = {
        (parse(o["starts_at"]), parse(o["ends_at"])): o["state"] == "cancelled"
        for o in occurrences
        if o["is_active"] or o["state"] == "cancelled"
    }
    got = instants(anon, manager, FeedToken.Kind.SITE, year_booking.room.site)
    assert got == expected
    running = sorted(k[0] for k, cancelled in got.items() if not cancelled)
    # 18:00 on both sides of both clock changes
    assert london(2026, 10, 19, 18) in running  # BST
    assert london(2026, 11, 2, 18) in running  # GMT
    assert london(2027, 3, 22, 18) in running  # GMT
    assert london(2027, 4, 12, 18) in running  # BST
    days = {d.date() for d in running}
    # half terms, the INSET day and the bank holidays do not run
    for day in [(2026, 10, 26), (2026, 11, 16), (2027, 2, 15), (2027, 3, 29)]:
        assert dt.date(*day) not in days
    for day in [(2027, 5, 3), (2027, 5, 31), (2027, 1, 11)]:
        assert dt.date(*day) not in days
    assert london(2027, 1, 13, 19) in running  # the move
    assert got[(london(2026, 11, 30, 18), london(2026, 11, 30, 20))] is True
    assert len(running) == len(expected) - 1 > 30


def test_room_and_caretaker_feeds_follow_the_same_slots(
    anon, year_booking, manager, caretaker
):
    site_view = instants(anon, manager, FeedToken.Kind.SITE, year_booking.room.site)
    room_view = instants(anon, manager, FeedToken.Kind.ROOM, year_booking.room)
    assert room_view == site_view
    caretaker_view = instants(
        anon, caretaker, FeedToken.Kind.CARETAKER, year_booking.room.site
    )
    buffer = dt.timedelta(minutes=15)
    assert caretaker_view == {
        (start - buffer, end + buffer): cancelled
        for (start, end), cancelled in site_view.items()
    }


def test_partner_feed_has_its_bookings_and_sessions(
    client, anon, year_activity, partner_user
):
    booking = year_activity.booking
    data = api(client, partner_user, f"/api/v1/activities/{year_activity.pk}/")
    expected_sessions = {
        (parse(s["starts_at"]), parse(s["ends_at"])): s["status"] == "cancelled"
        for s in data["sessions"]
    }
    occurrences = api(client, partner_user, f"/api/v1/bookings/{booking.pk}/")
    expected_slots = {
        (parse(o["starts_at"]), parse(o["ends_at"])): o["state"] == "cancelled"
        for o in occurrences["occurrences"]
        if o["is_active"] or o["state"] == "cancelled"
    }
    link = link_for(partner_user, FeedToken.Kind.PARTNER, year_activity.partner)
    cal = Calendar.from_ical(anon.get(feed_path(link)).content)
    found = {"session": {}, "slot": {}}
    for event in recurring_ical_events.of(cal).between(*YEAR):
        kind = "session" if "-session-" in str(event["UID"]) else "slot"
        found[kind][(event.start, event.end)] = str(event["STATUS"]) == "CANCELLED"
    assert found["session"] == expected_sessions
    assert found["slot"] == expected_slots
    assert sum(expected_sessions.values()) == 1  # the chef's day off


def test_family_feed_has_the_households_sessions(
    client, anon, signed_up_family, year_activity
):
    sessions = api(
        client, signed_up_family.user, f"/api/v1/activities/{year_activity.pk}/"
    )["sessions"]
    expected = {
        (parse(s["starts_at"]), parse(s["ends_at"])): s["status"] == "cancelled"
        for s in sessions
    }
    got = instants(anon, signed_up_family.user, FeedToken.Kind.FAMILY, signed_up_family)
    assert got == expected


def test_a_date_the_family_is_not_coming_to_is_cancelled_in_its_feed(
    client, anon, signed_up_family, year_activity
):
    from django.utils import timezone

    from activities.models import SignUp
    from activities.services.signup_dates import signup_cancel_date

    before = instants(
        anon, signed_up_family.user, FeedToken.Kind.FAMILY, signed_up_family
    )
    session = (
        year_activity.sessions.filter(status="scheduled", starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    signup = SignUp.objects.get(household=signed_up_family, activity=year_activity)
    signup_cancel_date(
        signup=signup, session=session, cancelled_by=signed_up_family.user
    )
    link = link_for(signed_up_family.user, FeedToken.Kind.FAMILY, signed_up_family)
    cal = Calendar.from_ical(anon.get(feed_path(link)).content)
    found = {
        (e.start, e.end): (str(e.get("STATUS")), str(e["SUMMARY"]))
        for e in recurring_ical_events.of(cal).between(*YEAR)
    }
    key = (session.starts_at, session.ends_at)
    assert found[key][0] == "CANCELLED"
    assert found[key][1].startswith("Not coming: ")
    # every other date is as it was
    assert {k: v[0] == "CANCELLED" for k, v in found.items() if k != key} == {
        k: v for k, v in before.items() if k != key
    }
