"""What a family reads while finding and joining an activity: the price on
the listing, which dates have already happened, and a waitlist message that
tells the truth when there was room for some of them but not all."""

import pytest
from django.urls import reverse

from activities.models import SignUp
from tests.activities.factories import (
    approved_booking,
    family,
    london,
    make_activity,
    sign_up,
)

pytestmark = pytest.mark.django_db


def test_the_listing_shows_what_a_paid_activity_costs(client, booking):
    make_activity(
        booking=booking,
        title="Science club",
        price_pence=200,
        price_basis="child",
        price_covers="session",
    )
    body = client.get(reverse("activities:list")).content.decode()
    assert "£2.00 per child, each session" in body


def test_dates_that_have_already_happened_say_so(client, room, partner):
    # Today is 1 October 2026: 22 and 29 September have happened.
    booking = approved_booking(
        room=room, partner=partner, starts=london(2026, 9, 22, 18), weeks=4
    )
    activity = make_activity(booking=booking)
    body = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    assert table.count("Already happened") == 2
    assert table.count("See above") == 2


def test_waitlist_with_room_for_some_does_not_say_full(client, booking):
    activity = make_activity(booking=booking, capacity=1)
    household, members = family(children=2, carers=0)
    result = sign_up(activity, household, members)
    assert result.signup.status == SignUp.Status.WAITLISTED
    client.force_login(household.user)
    body = client.get(
        reverse("activities:signup-detail", args=[result.signup.pk])
    ).content.decode()
    assert "only 1 place left, not enough for the 2 people you signed up" in body
    assert "cancel the places of those who cannot</a>: once the rest of you fit" in body
    assert "This activity is full" not in body
    assert reverse("activities:signup-cancel", args=[result.signup.pk]) in body


def test_waitlist_on_a_full_activity_says_full(client, booking):
    activity = make_activity(booking=booking, capacity=1)
    first, first_members = family(children=1, carers=0)
    sign_up(activity, first, first_members)
    household, members = family(children=1, carers=0)
    result = sign_up(activity, household, members)
    client.force_login(household.user)
    body = client.get(
        reverse("activities:signup-detail", args=[result.signup.pk])
    ).content.decode()
    assert "This activity is full: you are number 1 on the waitlist" in body
