"""The person's calendar links: on the start pages, with help for Google,
Outlook and Apple, rotated and turned off from the page and the API; "Add to
calendar" in the emails."""

import pytest
from django.core import mail
from icalendar import Calendar
from rest_framework.test import APIClient

from bookings.services import booking_approve
from calendars.models import FeedToken
from tests.activities.factories import family, make_activity, sign_up
from tests.calendars.conftest import feed_path


@pytest.fixture
def family_user(db):
    household, _ = family()
    return household.user


def test_the_links_page_offers_the_familys_feed_with_help(client, family_user):
    client.force_login(family_user)
    page = client.get("/calendars/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "activities" in text and "webcal://" in text
    for app in ("Google Calendar", "Outlook", "Apple Calendar"):
        assert app in text
    assert FeedToken.objects.get().kind == FeedToken.Kind.FAMILY
    assert page["Cache-Control"] == "no-store, private"


def test_rotate_and_turn_off_from_the_page(client, anon, family_user):
    client.force_login(family_user)
    link = client.get("/calendars/").context["links"][0]
    assert anon.get(feed_path(link)).status_code == 200
    client.post(f"/calendars/links/{link.token.pk}/rotate/")
    assert anon.get(feed_path(link)).status_code == 404
    new = client.get("/calendars/").context["links"][0]
    assert anon.get(feed_path(new)).status_code == 200
    client.post(f"/calendars/links/{new.token.pk}/revoke/")
    assert anon.get(feed_path(new)).status_code == 404
    assert client.get("/calendars/").context["links"] == []  # it stays off


def test_someone_elses_link_cannot_be_rotated(client, family_user, outsider):
    client.force_login(family_user)
    link = client.get("/calendars/").context["links"][0]
    client.force_login(outsider)
    assert client.post(f"/calendars/links/{link.token.pk}/rotate/").status_code == 404
    assert client.post(f"/calendars/links/{link.token.pk}/revoke/").status_code == 404


def test_the_links_page_costs_few_queries(
    client, manager, partner_user, django_assert_max_num_queries
):
    client.force_login(manager)
    client.get("/calendars/")  # issues the links once
    with django_assert_max_num_queries(14):
        assert client.get("/calendars/").status_code == 200


def test_start_pages_link_to_the_calendar_links(client, family_user, manager):
    client.force_login(family_user)
    assert "/calendars/" in client.get("/activities/household/").content.decode()
    client.force_login(manager)
    for path in ("/dashboard/", "/start/"):
        assert 'href="/calendars/"' in client.get(path).content.decode()


def test_api_lists_adds_rotates_and_turns_off_links(
    manager, site, room, django_assert_max_num_queries
):
    api = APIClient()
    api.force_authenticate(manager)
    listed = api.get("/api/v1/calendar-feeds/").json()["results"]
    assert {link["feed"] for link in listed} == {"site", "caretaker"}
    with django_assert_max_num_queries(12):
        api.get("/api/v1/calendar-feeds/")
    added = api.post(
        "/api/v1/calendar-feeds/", {"feed": "room", "target_id": room.pk}, format="json"
    )
    assert added.status_code == 201
    assert added.json()["webcal_url"].startswith("webcal://")
    rotated = api.post(f"/api/v1/calendar-feeds/{added.json()['id']}/rotate/")
    assert rotated.json()["https_url"] != added.json()["https_url"]
    gone = api.post(f"/api/v1/calendar-feeds/{added.json()['id']}/revoke/")
    assert gone.status_code == 204
    assert len(api.get("/api/v1/calendar-feeds/").json()["results"]) == 2


def test_booking_emails_carry_add_to_calendar(
    request_booking_email, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking_approve(booking=request_booking_email, approved_by=manager)
    body = mail.outbox[-1].body
    assert f"/bookings/{request_booking_email.pk}/calendar.ics" in body
    assert "/calendars/" in body


def test_signup_confirmation_points_to_the_family_feed(
    family_user, django_capture_on_commit_callbacks
):
    activity = make_activity()
    household = family_user.household
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(activity, household, list(household.members.all()))
    assert "/calendars/" in mail.outbox[-1].body
    assert mail.outbox[-1].attachments  # the one-off file is still there


@pytest.fixture
def request_booking_email(room, partner, partner_user):
    import datetime as dt

    from bookings.scheduling import Recurrence
    from bookings.services import When, booking_request

    partner.contact_email = "hello@partner.example.org"
    partner.save()
    return booking_request(
        room=room,
        partner=partner,
        requested_by=partner_user,
        title="Homework club",
        when=When(
            first_day=dt.date(2026, 9, 8),
            start=dt.time(16),
            end=dt.time(17),
            recurrence=Recurrence(),
        ),
        expected_attendees=12,
    )


def test_the_family_page_has_add_to_calendar_for_each_place(
    client, family_user, outsider
):
    activity = make_activity()
    household = family_user.household
    signup = sign_up(activity, household, list(household.members.all())).signup
    client.force_login(family_user)
    url = f"/calendars/signups/{signup.pk}.ics"
    assert url in client.get("/activities/household/").content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).events
    assert len(events) == activity.sessions.count()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
