"""Issue 13 point 5: link workers find a household by name, postcode or a
child's school, only among households that agreed to be findable; the
message after referring says when the activity is full."""

import pytest
from django.urls import reverse

from activities.errors import PermissionDenied
from activities.models import Activity, Household
from activities.selectors import household_search_findable
from activities.services import household_update
from tests.activities.factories import MemberFactory, family, make_activity, sign_up
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def households():
    found, _ = family(name="The Okafor family", postcode="LS11 8ND", findable=True)
    MemberFactory(household=found, school="Beeston Primary")
    hidden, _ = family(name="The Okafor-Smith family", postcode="LS11 8ND")
    MemberFactory(household=hidden, school="Beeston Primary")
    erased, _ = family(name="The Okafor erased", findable=True)
    erased.erased_at = erased.created_at
    erased.save()
    return found, hidden


@pytest.mark.parametrize("text", ["okafor", "LS11 8ND", "ls118nd", "beeston"])
def test_finds_only_findable_households(link_worker, households, text):
    found, hidden = households
    assert household_search_findable(user=link_worker, text=text) == [found]


def test_not_findable_by_default():
    household, _ = family(name="The New family")
    assert Household.objects.get(pk=household.pk).findable is False


def test_only_link_workers_search(households):
    family_user = households[0].user
    with pytest.raises(PermissionDenied):
        household_search_findable(user=family_user, text="okafor")
    with pytest.raises(PermissionDenied):
        household_search_findable(user=UserFactory(), text="okafor")


def test_a_family_can_agree_and_withdraw(link_worker, households):
    _, hidden = households
    household_update(household=hidden, updated_by=hidden.user, findable=True)
    assert hidden in household_search_findable(user=link_worker, text="okafor-smith")
    household_update(household=hidden, updated_by=hidden.user, findable=False)
    assert household_search_findable(user=link_worker, text="okafor-smith") == []


def test_the_family_ticks_it_on_their_form(client):
    household, _ = family(name="The Lee family")
    client.force_login(household.user)
    page = client.get(reverse("activities:household-edit")).content.decode()
    assert "Link workers may find our household" in page


def test_search_page_no_leak_and_bounded_queries(
    client, link_worker, households, django_assert_max_num_queries
):
    for i in range(25):
        extra, _ = family(name=f"Okafor {i}", findable=True)
        MemberFactory(household=extra, school="Beeston Primary")
    client.force_login(link_worker)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("activities:referrals"), {"q": "okafor"})
    body = response.content.decode()
    assert "The Okafor-Smith family" not in body
    assert "the first 20" in body
    assert body.count("Beeston Primary") == 20
    assert response["Cache-Control"] == "no-store, private"


def test_refer_link_fills_in_the_reference(client, link_worker, households):
    found, _ = households
    client.force_login(link_worker)
    body = client.get(reverse("activities:referrals"), {"q": "beeston"}).content
    assert f"?household={found.reference}#refer".encode() in body
    page = client.get(reverse("activities:referrals"), {"household": found.reference})
    assert f'value="{found.reference}"' in page.content.decode()


def test_a_family_cannot_search(client, households):
    client.force_login(households[0].user)
    response = client.get(reverse("activities:referrals"), {"q": "okafor"})
    assert response.status_code in (403, 404)


def _refer(client, household, activity):
    return client.post(
        reverse("activities:referrals"),
        {"household_reference": household.reference, "activity": activity.pk},
        follow=True,
    ).content.decode()


def test_referring_to_a_full_activity_says_so(client, link_worker, booking):
    activity = make_activity(booking=booking, capacity=1)
    taken, members = family(children=1, carers=0)
    sign_up(activity, taken, members)
    household, _ = family(name="The Ali family")
    client.force_login(link_worker)
    body = _refer(client, household, activity)
    assert "Cook and eat is full" in body and "waiting list" in body
    assert "can now sign up" not in body


def test_referring_with_places_left(client, link_worker, booking):
    activity = make_activity(
        booking=booking, eligibility=Activity.Eligibility.REFERRAL, referral_places=2
    )
    household, _ = family(name="The Ali family")
    client.force_login(link_worker)
    body = _refer(client, household, activity)
    assert "The Ali family can now sign up to Cook and eat" in body


def test_a_link_worker_records_that_the_family_agreed(client, link_worker):
    client.force_login(link_worker)
    form = {
        "name": "The Ray family",
        "carer_first_name": "Ann",
        "postcode": "LS11 8ND",
        "consent_given_by": "Ann Ray",
        "consent_method": "phone",
        "consent_confirmed": "on",
    }
    client.post(reverse("activities:household-on-behalf"), form)
    client.post(
        reverse("activities:household-on-behalf"),
        form | {"name": "The Shaw family", "findable": "on"},
    )
    assert household_search_findable(user=link_worker, text="family") == [
        Household.objects.get(name="The Shaw family")
    ]
    assert Household.objects.get(name="The Ray family").findable is False
