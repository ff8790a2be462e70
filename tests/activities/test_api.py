"""Activities API: public list/detail with sessions and places left, own
household, sign-ups (create, waitlist position, cancel), referrals; bad input
gets the shared error body; every list has a constant query count."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import Activity, Household, SignUp
from tests.activities.factories import approved_booking, family, make_activity, sign_up
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(name, *args):
    return reverse(f"activities-api:{name}", args=args)


def test_public_list_shows_places_left_and_local_next_start(activity):
    household, members = family(children=2)
    api(household.user).post(
        url("signups"),
        {"activity_id": activity.pk, "member_ids": [m.pk for m in members]},
        format="json",
    )
    body = api().get(url("list")).json()
    row = body["results"][0]
    assert row["places_left"] == 7
    assert row["next_start"] == "2026-10-13T18:00:00+01:00"


def test_detail_lists_sessions_at_18_00_local_across_the_clock_change(activity):
    body = api().get(url("detail", activity.pk)).json()
    starts = [s["starts_at"] for s in body["sessions"]]
    assert starts == [
        "2026-10-13T18:00:00+01:00",
        "2026-10-20T18:00:00+01:00",
        "2026-10-27T18:00:00+00:00",
        "2026-11-03T18:00:00+00:00",
    ]
    assert body["sessions"][0]["places_left"] == 10


def test_draft_is_hidden_from_the_public(booking):
    draft = make_activity(booking=booking, status=Activity.Status.DRAFT)
    assert api().get(url("detail", draft.pk)).status_code == 404  # unseen
    assert api().get(url("list")).json()["count"] == 0


def test_list_filters(room, partner, other_site):
    from tests.factories import RoomFactory

    make_activity(
        booking=approved_booking(room=room, partner=partner),
        title="Kids cook",
        min_age=5,
        max_age=11,
    )
    far = approved_booking(room=RoomFactory(site=other_site), partner=partner)
    make_activity(
        booking=far, title="Teen sport", category="sport", min_age=12, max_age=16
    )
    titles = lambda q: [r["title"] for r in api().get(url("list"), q).json()["results"]]  # noqa: E731
    assert titles({"child_age": 7}) == ["Kids cook"]
    assert titles({"site": "riverside"}) == ["Teen sport"]
    assert titles({"category": "sport"}) == ["Teen sport"]
    assert titles({"date_from": "2026-11-04"}) == []
    assert titles({"this_week": "true"}) == []
    assert sorted(titles({"free_only": "true", "places_left": "true"})) == [
        "Kids cook",
        "Teen sport",
    ]
    assert titles({"q": "COOK kids"}) == ["Kids cook"]  # every word, any case
    assert titles({"q": "kids sport"}) == []  # no activity has both words
    assert sorted(titles({"weekday": 2})) == ["Kids cook", "Teen sport"]  # Tuesdays
    assert titles({"weekday": 4}) == []
    bad = api().get(url("list"), {"child_age": "seven"})
    assert bad.status_code == 400
    assert "child_age" in bad.json()["error"]["fields"]
    bad = api().get(url("list"), {"weekday": 0})
    assert bad.status_code == 400
    assert "weekday" in bad.json()["error"]["fields"]


def test_signup_create_full_then_waitlist_position_then_cancel(booking):
    activity = make_activity(booking=booking, capacity=2)
    first, first_members = family(children=1)
    second, second_members = family(children=0)
    created = api(first.user).post(
        url("signups"),
        {"activity_id": activity.pk, "member_ids": [m.pk for m in first_members]},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["status"] == "confirmed"
    waiting = api(second.user).post(
        url("signups"),
        {"activity_id": activity.pk, "member_ids": [m.pk for m in second_members]},
        format="json",
    )
    assert waiting.status_code == 201
    assert waiting.json()["waitlist_position"] == 1
    assert (
        waiting.json()["message"]
        == "This activity is full: you are number 1 on the waitlist."
    )
    cancelled = api(first.user).post(url("signup-cancel", created.json()["id"]))
    assert cancelled.json()["status"] == "cancelled"
    mine = api(second.user).get(url("signup-detail", waiting.json()["id"])).json()
    assert mine["status"] == "confirmed"
    assert mine["waitlist_position"] is None


def test_signup_bad_input_names_the_field_and_saves_nothing(activity):
    household, members = family()
    _, strangers = family()
    client = api(household.user)
    cases = [
        ({"activity_id": activity.pk, "member_ids": []}, 400, "member_ids"),
        (
            {"activity_id": activity.pk, "member_ids": [strangers[0].pk]},
            400,
            "member_ids",
        ),
        ({"activity_id": activity.pk, "member_ids": [999999]}, 400, "member_ids"),
        ({"activity_id": 999999, "member_ids": [members[0].pk]}, 400, "activity_id"),
    ]
    for payload, status, field in cases:
        response = client.post(url("signups"), payload, format="json")
        assert response.status_code == status, payload
        if field:
            assert field in response.json()["error"]["fields"]
    assert SignUp.objects.count() == 0
    client.post(
        url("signups"),
        {"activity_id": activity.pk, "member_ids": [members[0].pk]},
        format="json",
    )
    twice = client.post(
        url("signups"),
        {"activity_id": activity.pk, "member_ids": [members[1].pk]},
        format="json",
    )
    assert twice.status_code == 409
    assert SignUp.objects.count() == 1


def test_cannot_cancel_another_households_signup(activity):
    household, members = family()
    other, _ = family()
    signup = (
        api(household.user)
        .post(
            url("signups"),
            {"activity_id": activity.pk, "member_ids": [members[0].pk]},
            format="json",
        )
        .json()
    )
    # Another family's sign-up is unseen: 404, not 403.
    assert api(other.user).post(url("signup-cancel", signup["id"])).status_code == 404
    assert SignUp.objects.get().status == "confirmed"


def test_household_create_get_and_member_rules(outsider):
    client = api(outsider)
    assert client.get(url("household")).status_code == 404
    created = client.post(
        url("household"),
        {
            "name": "The Khan family",
            "postcode": "ls118nd",
            "members": [
                {"kind": "carer", "first_name": "Aisha"},
                {"kind": "child", "first_name": "Sami", "date_of_birth": "2017-04-02"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["postcode"] == "LS11 8ND"
    no_dob = client.post(
        url("member-create"), {"kind": "child", "first_name": "Maya"}, format="json"
    )
    assert no_dob.status_code == 400
    assert "date_of_birth" in no_dob.json()["error"]["fields"]
    again = client.post(url("household"), {"name": "Again"}, format="json")
    assert again.status_code == 409
    assert Household.objects.count() == 1
    assert len(client.get(url("household")).json()["members"]) == 2


def test_a_family_cannot_verify_itself_through_the_api(outsider):
    client = api(outsider)
    client.post(url("household"), {"name": "Khan", "fsm_claimed": True}, format="json")
    client.patch(url("household"), {"fsm_verified": True}, format="json")
    assert client.get(url("household")).json()["fsm_verified"] is False


def test_partner_creates_activity_with_example_payload(booking, partner_user):
    response = api(partner_user).post(
        url("list"),
        {
            "booking_id": booking.pk,
            "publish": True,
            "title": "Cook and eat together",
            "description": "Cook a meal.",
            "category": "cooking",
            "capacity": 16,
            "referral_places": 4,
            "slot_ids": list(booking.slots.values_list("pk", flat=True)[:2]),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "published"
    assert len(response.json()["sessions"]) == 2


def test_publishing_bad_input(booking, partner_user, other_partner_user, room, partner):
    from bookings.models import Booking

    base = {"title": "X", "description": "Y", "category": "cooking", "capacity": 10}
    declined = approved_booking(
        room=room,
        partner=partner,
        status=Booking.Status.DECLINED,
        starts=booking.slots.first().starts_at.replace(year=2027),
    )
    cases = [
        # Another organisation's booking: a 400 on the id, as for an unknown one.
        (other_partner_user, {"booking_id": booking.pk}, 400, "booking_id"),
        (partner_user, {"booking_id": declined.pk}, 400, "booking"),
        (partner_user, {"booking_id": booking.pk, "capacity": 81}, 400, "capacity"),
        (
            partner_user,
            {"booking_id": booking.pk, "referral_places": 11},
            400,
            "referral_places",
        ),
        (
            partner_user,
            {"booking_id": booking.pk, "min_age": 10, "max_age": 5},
            400,
            "max_age",
        ),
    ]
    for user, extra, status, field in cases:
        response = api(user).post(url("list"), base | extra, format="json")
        assert response.status_code == status, (extra, response.json())
        assert field in response.json()["error"]["fields"]
    assert Activity.objects.count() == 0


def test_referrals_api(activity, link_worker, partner_user):
    household, _ = family()
    client = api(link_worker)
    made = client.post(
        url("referrals"),
        {
            "household_reference": household.reference.lower(),
            "activity_id": activity.pk,
        },
        format="json",
    )
    assert made.status_code == 201
    unknown = client.post(
        url("referrals"),
        {"household_reference": "NOPE0000", "activity_id": activity.pk},
        format="json",
    )
    assert unknown.status_code == 400  # a typed value, not an address
    assert "household_reference" in unknown.json()["error"]["fields"]
    assert client.get(url("referrals")).json()["count"] == 1
    assert (
        api(partner_user)
        .post(
            url("referrals"),
            {"household_reference": household.reference, "activity_id": activity.pk},
            format="json",
        )
        .status_code
        == 403
    )


def _many_activities(n, room, partner):
    for i in range(n):
        make_activity(
            booking=approved_booking(
                room=RoomFactory(site=room.site),
                partner=partner,
                weeks=2,
                starts=_start(i),
            ),
            title=f"A{i}",
        )


def _start(i):
    import datetime as dt

    from tests.activities.factories import london

    return (
        london(2026, 10, 13, 18)
        + dt.timedelta(days=i % 60, hours=0)
        + dt.timedelta(weeks=10 * (i // 60))
    )


@pytest.mark.parametrize("n", [3, 9])
def test_public_list_query_count_is_constant(
    n, room, partner, django_assert_max_num_queries
):
    _many_activities(n, room, partner)
    for activity in Activity.objects.all():
        sign_up(activity, *family(children=1))
    with django_assert_max_num_queries(4):
        assert api().get(url("list")).json()["count"] == n


@pytest.mark.parametrize("n", [2, 6])
def test_own_signups_query_count_is_constant(
    n, room, partner, django_assert_max_num_queries
):
    _many_activities(n, room, partner)
    household, members = family(children=1)
    for activity in Activity.objects.all():
        Activity.objects.filter(pk=activity.pk).update(capacity=1)
        activity.refresh_from_db()
        sign_up(activity, household, members[1:2])
    client = api(household.user)
    with django_assert_max_num_queries(6):
        assert client.get(url("signups")).json()["count"] == n


@pytest.mark.parametrize("n", [2, 6])
def test_referral_and_partner_signup_lists_query_counts(
    n, activity, link_worker, partner_user, django_assert_max_num_queries
):
    from activities.services import referral_create

    for _ in range(n):
        household, members = family(children=1)
        referral_create(
            referred_by=link_worker,
            household_reference=household.reference,
            activity=activity,
        )
        sign_up(activity, household, members[:1])
    with django_assert_max_num_queries(6):
        assert api(link_worker).get(url("referrals")).json()["count"] == n
    with django_assert_max_num_queries(8):
        assert (
            api(partner_user).get(url("activity-signups", activity.pk)).json()["count"]
            == n
        )


def test_march_sessions_stay_at_18_00_local_after_the_spring_change(room, partner):
    from tests.activities.factories import london

    booking = approved_booking(
        room=room, partner=partner, starts=london(2027, 3, 23, 18), weeks=2
    )
    activity = make_activity(booking=booking)
    body = api().get(url("detail", activity.pk)).json()
    assert [s["starts_at"] for s in body["sessions"]] == [
        "2027-03-23T18:00:00+00:00",
        "2027-03-30T18:00:00+01:00",
    ]


def test_more_places_promote_the_waitlist_and_others_cannot_edit(
    booking, partner_user, other_partner_user
):
    activity = make_activity(booking=booking, capacity=1)
    first, first_members = family(children=0)
    second, second_members = family(children=0)
    sign_up(activity, first, first_members)
    sign_up(activity, second, second_members)
    denied = api(other_partner_user).patch(
        url("detail", activity.pk), {"capacity": 5}, format="json"
    )
    assert denied.status_code == 403
    too_few = api(partner_user).patch(
        url("detail", activity.pk), {"capacity": 0}, format="json"
    )
    assert too_few.status_code == 400
    response = api(partner_user).patch(
        url("detail", activity.pk), {"capacity": 2}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["places_left"] == 0
    assert set(SignUp.objects.values_list("status", flat=True)) == {"confirmed"}
