"""Issue 13 point 4: activity search by day of the week and by words, the
"Next:" date inside the chosen dates, the sign-up form near the top, back to
the activity after adding a child, and referral-only explained."""

import pytest
from django.urls import reverse

from activities.models import Activity, Referral
from partners.models import Partner
from tests.activities.factories import approved_booking, family, london, make_activity
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tuesday_and_saturday(room, partner):
    tuesday = make_activity(booking=approved_booking(room=room, partner=partner))
    saturday = make_activity(
        booking=approved_booking(
            room=room, partner=partner, starts=london(2026, 10, 17, 10, 0)
        ),
        title="Saturday football",
        description="Five-a-side for beginners.",
        category=Activity.Category.SPORT,
    )
    return tuesday, saturday


def _titles(client, **query):
    body = client.get(reverse("activities:list"), query).content.decode()
    return body, {t for t in ("Cook and eat", "Saturday football") if t in body}


def test_day_of_the_week(client, tuesday_and_saturday):
    assert _titles(client, weekday="2")[1] == {"Cook and eat"}
    assert _titles(client, weekday="6")[1] == {"Saturday football"}
    assert _titles(client, weekday="3")[1] == set()
    assert _titles(client)[1] == {"Cook and eat", "Saturday football"}


def test_a_late_evening_session_counts_on_its_local_day(client, room, partner):
    # 23:30 on a Monday in London (22:30 UTC in October) is a Monday.
    make_activity(
        booking=approved_booking(
            room=room, partner=partner, starts=london(2026, 10, 12, 23, 30), hours=1
        ),
        title="Late Monday",
    )
    assert "Late Monday" in _titles(client, weekday="1")[0]
    assert "Late Monday" not in _titles(client, weekday="2")[0]


def test_text_search_title_description_and_partner(client, tuesday_and_saturday):
    assert _titles(client, q="football")[1] == {"Saturday football"}
    assert _titles(client, q="five-a-side beginners")[1] == {"Saturday football"}
    assert _titles(client, q="meal")[1] == {"Cook and eat"}  # description
    partner = Partner.objects.get()
    partner.name = "Leeds Kitchen Collective"
    partner.save()
    assert _titles(client, q="kitchen collective")[1] == {
        "Cook and eat",
        "Saturday football",
    }
    assert _titles(client, q="swimming")[1] == set()


def test_text_search_is_bounded(client, tuesday_and_saturday):
    response = client.get(reverse("activities:list"), {"q": "x" * 101})
    assert "q" in response.context["form"].errors
    assert "There is a problem" in response.content.decode()


def test_next_date_respects_the_date_filter(client, activity):
    body = client.get(reverse("activities:list")).content.decode()
    assert "Tuesday 13 October, 18:00" in body
    body = client.get(
        reverse("activities:list"), {"date_from": "2026-10-25"}
    ).content.decode()
    assert "Tuesday 27 October, 18:00" in body
    assert "Tuesday 13 October" not in body
    body = client.get(
        reverse("activities:list"),
        {"date_from": "2026-11-04", "date_to": "2026-11-30"},
    ).content.decode()
    assert "Cook and eat" not in body  # its last session is 3 November


def test_search_runs_a_fixed_number_of_queries(
    client, room, partner, django_assert_max_num_queries
):
    for i in range(6):
        starts = london(2026, 10, 13, 8 + 2 * i, 0)
        booking = approved_booking(room=room, partner=partner, starts=starts, hours=1)
        make_activity(booking=booking, title=f"Club {i}")
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("activities:list"),
            {"q": "club", "weekday": "2", "date_from": "2026-10-20"},
        )
    body = response.content.decode()
    assert body.count("Next matching your search: Tuesday 20 October") == 6


def test_sign_up_form_comes_before_the_dates(client, activity):
    household, _ = family()
    client.force_login(household.user)
    body = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert 'href="#sign-up"' in body
    assert body.index('id="sign-up"') < body.index("<h2>Where</h2>")
    assert body.index('id="sign-up"') < body.index("<h2>When</h2>")


def test_after_adding_a_child_back_to_the_activity(client, activity):
    household, _ = family(children=0)
    client.force_login(household.user)
    page = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    link = (
        f"{reverse('activities:member-add')}?next=/activities/{activity.pk}/%23sign-up"
    )
    assert link in page
    response = client.post(
        link, {"kind": "child", "first_name": "Ada", "date_of_birth": "2018-05-01"}
    )
    assert response.status_code == 302
    assert response.url == f"/activities/{activity.pk}/#sign-up"
    page = client.get(response.url).content.decode()
    assert "Ada (child" in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_next_elsewhere_is_ignored(client, target):
    household, _ = family(children=0)
    client.force_login(household.user)
    response = client.post(
        reverse("activities:member-add") + f"?next={target}",
        {"kind": "carer", "first_name": "Sam"},
    )
    assert response.url == reverse("activities:household")


def test_referral_only_is_explained_not_refused(client, booking):
    activity = make_activity(
        booking=booking, eligibility=Activity.Eligibility.REFERRAL, referral_places=5
    )
    household, _ = family()
    client.force_login(household.user)
    body = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "This activity is by referral only." in body
    assert "link worker" in body
    assert reverse("activities:signup", args=[activity.pk]) not in body
    assert "Join the waitlist" not in body
    Referral.objects.create(
        referred_by=UserFactory(), household=household, activity=activity
    )
    body = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "This activity is by referral only." not in body
    assert reverse("activities:signup", args=[activity.pk]) in body
