"""Issue 13 point 4: a family's confirmation page after signing up, and
cancelling on its own page for everyone or for one person, with the freed
place going to the waitlist in order."""

import pytest
from django.urls import reverse

from activities.errors import PermissionDenied
from activities.models import Activity, SignUp
from activities.services import signup_remove_member
from hub.models import AuditEntry
from tests.activities.factories import family, make_activity, sign_up

pytestmark = pytest.mark.django_db


def test_signing_up_lands_on_a_confirmation_page(client, booking):
    activity = make_activity(
        booking=booking, what_to_bring="An apron and a water bottle"
    )
    site = booking.room.site
    site.getting_there = "Bus 42 stops outside."
    site.save()
    household, members = family(children=2)
    client.force_login(household.user)
    response = client.post(
        reverse("activities:signup", args=[activity.pk]),
        {"members": [m.pk for m in members[1:]]},
    )
    signup = SignUp.objects.get()
    assert response.url == reverse("activities:signup-detail", args=[signup.pk])
    page = client.get(response.url)
    body = page.content.decode()
    assert page["Cache-Control"] == "no-store, private"
    assert "You have a place at Cook and eat" in body
    assert "Tuesday 13 October 2026" in body and "18:00 to 20:00" in body
    assert "Tuesday 3 November 2026" in body  # every date of the series
    assert "An apron and a water bottle" in body
    assert "Bus 42 stops outside." in body and site.name in body
    assert members[1].first_name in body and members[2].first_name in body
    assert members[0].first_name not in body
    assert reverse("calendars:signup-ics", args=[signup.pk]) in body


def test_a_waitlisted_family_sees_its_position(client, booking):
    activity = make_activity(booking=booking, capacity=1)
    first, first_members = family(children=1, carers=0)
    sign_up(activity, first, first_members)
    household, members = family(children=1, carers=0)
    client.force_login(household.user)
    response = client.post(
        reverse("activities:signup", args=[activity.pk]),
        {"members": [members[0].pk]},
        follow=True,
    )
    body = response.content.decode()
    assert "You are on the waitlist" in body and "number 1 on the waitlist" in body
    assert "Add to calendar" not in body


def test_someone_elses_sign_up_pages_are_404(client, activity):
    household, members = family()
    signup = sign_up(activity, household, members).signup
    other, _ = family()
    client.force_login(other.user)
    for name in ("activities:signup-detail", "activities:signup-cancel"):
        assert client.get(reverse(name, args=[signup.pk])).status_code == 404
    response = client.post(
        reverse("activities:signup-cancel", args=[signup.pk]), {"who": "all"}
    )
    assert response.status_code == 404
    assert SignUp.objects.get().status == "confirmed"


def test_cancel_asks_first_then_cancels_one_child(client, activity):
    household, members = family(children=2, carers=0)
    signup = sign_up(activity, household, members).signup
    client.force_login(household.user)
    url = reverse("activities:signup-cancel", args=[signup.pk])
    page = client.get(url).content.decode()
    assert f"Cancel {members[0].first_name}'s place only" in page
    assert "Cancel everyone's places" in page
    assert SignUp.objects.get().status == "confirmed"  # asking changes nothing
    response = client.post(url, {"who": str(members[0].pk)}, follow=True)
    body = response.content.decode()
    assert f"{members[0].first_name} is no longer signed up to Cook and eat" in body
    assert f"{members[1].first_name} is still signed up" in body
    signup.refresh_from_db()
    assert signup.status == "confirmed" and signup.places == 1
    assert list(signup.members.all()) == [members[1]]
    entry = AuditEntry.objects.get(action="signup.member_removed")
    assert entry.actor == household.user


def test_cancel_everyone(client, activity):
    household, members = family(children=2)
    signup = sign_up(activity, household, members).signup
    client.force_login(household.user)
    client.post(reverse("activities:signup-cancel", args=[signup.pk]), {"who": "all"})
    signup.refresh_from_db()
    assert signup.status == "cancelled"


def test_cancelling_the_last_person_cancels_the_sign_up(activity):
    household, members = family(children=1, carers=0)
    signup = sign_up(activity, household, members).signup
    after = signup_remove_member(
        signup=signup, member=members[0], cancelled_by=household.user
    )
    assert after.status == "cancelled"


def test_one_persons_place_goes_to_the_waitlist_in_order(activity):
    activity.capacity = 2
    activity.save()
    household, members = family(children=2, carers=0)
    signup = sign_up(activity, household, members).signup
    first_waiting, first_members = family(children=1, carers=0)
    second_waiting, second_members = family(children=1, carers=0)
    waiting = sign_up(activity, first_waiting, first_members).signup
    later = sign_up(activity, second_waiting, second_members).signup
    assert waiting.status == later.status == "waitlisted"
    signup_remove_member(signup=signup, member=members[0], cancelled_by=household.user)
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == "confirmed" and later.status == "waitlisted"


def test_a_waitlisted_family_that_now_fits_gets_the_free_place(activity):
    """Three places, two taken; a family of two waits. One of them drops out:
    the one left fits the free place and gets it (it sat empty before)."""
    activity.capacity = 3
    activity.save()
    household, members = family(children=2, carers=0)
    sign_up(activity, household, members)
    waiting_family, waiting_members = family(children=2, carers=0)
    waiting = sign_up(activity, waiting_family, waiting_members).signup
    assert waiting.status == "waitlisted"
    after = signup_remove_member(
        signup=waiting, member=waiting_members[0], cancelled_by=waiting_family.user
    )
    assert after.places == 1
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert AuditEntry.objects.filter(
        action="signup.promoted", object_id=str(waiting.pk)
    ).exists()


def test_one_date_of_a_per_session_activity(client, booking):
    activity = make_activity(booking=booking, signup_mode=Activity.SignupMode.SESSION)
    first, second = activity.sessions.order_by("starts_at")[:2]
    household, members = family(children=1, carers=0)
    one = sign_up(activity, household, members, session=first).signup
    other = sign_up(activity, household, members, session=second).signup
    client.force_login(household.user)
    page = client.get(reverse("activities:signup-cancel", args=[one.pk]))
    assert "Tuesday 13 October 2026" in page.content.decode()
    client.post(reverse("activities:signup-cancel", args=[one.pk]), {"who": "all"})
    one.refresh_from_db()
    other.refresh_from_db()
    assert one.status == "cancelled" and other.status == "confirmed"


def test_only_the_family_removes_a_person(activity):
    household, members = family(children=2, carers=0)
    signup = sign_up(activity, household, members).signup
    other, _ = family()
    with pytest.raises(PermissionDenied):
        signup_remove_member(signup=signup, member=members[0], cancelled_by=other.user)
    assert SignUp.objects.get().places == 2


def test_a_person_not_in_the_sign_up_is_refused(client, activity):
    household, members = family(children=2, carers=1)
    signup = sign_up(activity, household, members[1:]).signup
    client.force_login(household.user)
    response = client.post(
        reverse("activities:signup-cancel", args=[signup.pk]),
        {"who": str(members[0].pk)},
    )
    assert response.status_code == 400
    assert "Choose someone in this sign-up, or everyone." in response.content.decode()
    assert SignUp.objects.get().places == 2


def test_a_paid_place_for_several_loses_one_person_and_their_price(activity):
    """One child leaves a paid sign-up for two: the amount drops by that
    child's price (refunds: tests/activities/test_paid_member_removal.py)."""
    activity.price_pence = 500
    activity.save()
    household, members = family(children=2, carers=0)
    signup = sign_up(activity, household, members).signup
    assert signup.amount_pence == 1000
    after = signup_remove_member(
        signup=signup, member=members[0], cancelled_by=household.user
    )
    assert (after.places, after.amount_pence) == (1, 500)
