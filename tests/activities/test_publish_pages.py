"""A partner publishing an activity: only bookings with dates still to come
are offered, a booking whose dates have all passed says so before the form
is filled in, and the form's words say what a place is."""

import pytest
from django.urls import reverse

from activities.models import Activity
from tests.activities.factories import approved_booking, london

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Stay and play",
    "description": "Toys and songs",
    "category": "sport",
    "audience": "families",
    "capacity": 12,
    "eligibility": "open",
    "signup_mode": "series",
    "referral_places": 0,
    "publish": "on",
}


@pytest.fixture
def past_booking(room, partner):
    # Today is 1 October 2026: both dates have passed.
    return approved_booking(
        room=room,
        partner=partner,
        starts=london(2026, 9, 1, 18),
        weeks=2,
        title="Summer stay and play",
    )


def test_only_bookings_with_dates_to_come_are_offered(
    client, booking, past_booking, partner_user
):
    client.force_login(partner_user)
    body = client.get(reverse("activities:mine")).content.decode()
    assert reverse("activities:create", args=[booking.pk]) in body
    assert reverse("activities:create", args=[past_booking.pk]) not in body


def test_no_bookings_to_publish_on_points_to_the_room_finder(
    client, past_booking, partner_user
):
    client.force_login(partner_user)
    body = client.get(reverse("activities:mine")).content.decode()
    finder = f'<a href="{reverse("bookings:finder")}">Find a room</a>'
    assert f"on dates still to come, and you have none. {finder}" in body


def test_a_booking_with_only_past_dates_says_so_before_the_form(
    client, past_booking, partner_user
):
    client.force_login(partner_user)
    url = reverse("activities:create", args=[past_booking.pk])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "This booking has no dates still to come" in body
    assert "Save activity" not in body
    assert reverse("bookings:finder") in body
    response = client.post(url, FORM)
    assert response.status_code == 409
    assert not Activity.objects.exists()


def test_the_form_says_what_a_place_is(client, booking, partner_user):
    client.force_login(partner_user)
    body = client.get(reverse("activities:create", args=[booking.pk])).content.decode()
    assert "Each person who comes, adult or child, takes one place." in body
    assert "Families sign up for" in body and "Signup mode" not in body
