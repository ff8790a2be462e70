"""Family, partner and link-worker pages: the journeys a user would notice,
form errors shown at the top, and constant query counts on list pages."""

import json

import pytest
from django.urls import reverse

from activities.models import Activity, Attendance, Household, HouseholdMember, SignUp
from tests.activities.factories import approved_booking, family, make_activity, sign_up
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_a_family_finds_signs_up_and_cancels(client, activity):
    household, members = family(children=2)
    login(client, household.user)
    listing = client.get(reverse("activities:list")).content.decode()
    assert "Cook and eat" in listing and "10 places left" in listing
    page = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "Tuesday 27 October 2026" in page and "18:00 to 20:00" in page
    response = client.post(
        reverse("activities:signup", args=[activity.pk]),
        {"members": [m.pk for m in members]},
        follow=True,
    )
    assert "You have a place" in response.content.decode()
    signup = SignUp.objects.get()
    assert signup.places == 3
    response = client.post(
        reverse("activities:signup-cancel", args=[signup.pk]), follow=True
    )
    assert "cancelled" in response.content.decode()
    signup.refresh_from_db()
    assert signup.status == "cancelled"


def test_signup_form_error_is_summarised_and_linked(client, booking):
    activity = make_activity(booking=booking, min_age=11, max_age=16)
    household, members = family(children=1)
    login(client, household.user)
    response = client.post(
        reverse("activities:signup", args=[activity.pk]), {"members": [members[1].pk]}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert 'href="#id_members_0"' in body  # the first checkbox, as GOV.UK does
    assert "this activity is for children aged 11 to 16" in body
    assert SignUp.objects.count() == 0


def test_household_create_then_add_a_child(client):
    user = UserFactory()
    login(client, user)
    assert client.get(reverse("activities:household")).url == reverse(
        "activities:household-create"
    )
    client.post(
        reverse("activities:household-create"),
        {"name": "The Okafor family", "postcode": "LS11 8ND", "email": user.email},
    )
    household = Household.objects.get(user=user)
    missing = client.post(
        reverse("activities:member-add"), {"kind": "child", "first_name": "Ada"}
    )
    assert "Enter the child&#x27;s date of birth" in missing.content.decode()
    client.post(
        reverse("activities:member-add"),
        {"kind": "child", "first_name": "Ada", "date_of_birth": "2018-02-03"},
    )
    assert household.members.get().first_name == "Ada"
    page = client.get(reverse("activities:household")).content.decode()
    assert household.reference in page


def test_bad_postcode_is_refused(client):
    user = UserFactory()
    login(client, user)
    response = client.post(
        reverse("activities:household-create"), {"name": "X", "postcode": "ZZ1 ZZZ"}
    )
    assert "Enter a real UK postcode" in response.content.decode()
    assert not Household.objects.exists()


def test_download_all_data_as_json(client, activity):
    household, members = family(children=1)
    members[1].medical_notes = "Asthma"
    members[1].save()
    sign_up(activity, household, members)
    login(client, household.user)
    response = client.get(reverse("activities:household-export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["household"]["reference"] == household.reference
    assert {m["medical_notes"] for m in data["members"]} == {"", "Asthma"}
    assert data["signups"][0]["activity"] == "Cook and eat"


def test_deletion_erases_personal_data_but_keeps_attendance_counts(
    client, activity, partner_user, time_machine
):
    from activities.services import attendance_mark

    household, members = family(children=1)
    members[1].medical_notes = "Asthma"
    members[1].save()
    sign_up(activity, household, members)
    session = activity.sessions.first()
    time_machine.move_to(session.starts_at, tick=False)  # the register is open
    attendance_mark(
        session=session,
        marked_by=partner_user,
        present_member_ids={m.pk for m in members},
    )
    user = household.user
    login(client, user)
    client.post(reverse("activities:household-delete"))
    household.refresh_from_db()
    assert household.user is None and household.erased_at and household.email == ""
    assert set(HouseholdMember.objects.values_list("first_name", flat=True)) == {
        "Erased"
    }
    assert not HouseholdMember.objects.exclude(medical_notes="").exists()
    assert HouseholdMember.objects.filter(date_of_birth__isnull=False).count() == 0
    assert Attendance.objects.filter(session=session, status="present").count() == 2
    assert SignUp.objects.get().status == "cancelled"
    assert client.get(reverse("activities:household")).url == reverse(
        "activities:household-create"
    )


def test_partner_publishes_on_own_booking_and_takes_the_register(
    client, booking, partner_user, time_machine
):
    login(client, partner_user)
    slots = list(booking.slots.values_list("pk", flat=True))
    response = client.post(
        reverse("activities:create", args=[booking.pk]),
        {
            "title": "Cook and eat",
            "description": "Together",
            "category": "cooking",
            "audience": "families",
            "capacity": 12,
            "eligibility": "open",
            "signup_mode": "series",
            "referral_places": 0,
            "languages": "English",
            "slot_ids": [str(s) for s in slots[:2]],
            "publish": "on",
            "signup_opens_at": "2026-10-01T09:30",
        },
    )
    activity = Activity.objects.get()
    assert response.url == reverse("activities:manage", args=[activity.pk])
    assert activity.status == "published" and activity.sessions.count() == 2
    assert (
        activity.signup_opens_at.isoformat() == "2026-10-01T08:30:00+00:00"
    )  # BST typed
    household, members = family(children=1)
    sign_up(activity, household, members)
    session = activity.sessions.first()
    time_machine.move_to(session.starts_at, tick=False)  # the register is open
    page = client.get(
        reverse("activities:register", args=[session.pk])
    ).content.decode()
    assert members[1].first_name in page
    client.post(
        reverse("activities:register", args=[session.pk]),
        {f"status-{members[0].pk}": "absent", f"status-{members[1].pk}": "present"},
    )
    assert dict(Attendance.objects.values_list("member_id", "status")) == {
        members[0].pk: "absent",
        members[1].pk: "present",
    }


def test_capacity_larger_than_the_room_is_refused_on_the_form(
    client, booking, partner_user
):
    login(client, partner_user)
    response = client.post(
        reverse("activities:create", args=[booking.pk]),
        {
            "title": "Big",
            "description": "x",
            "category": "sport",
            "audience": "families",
            "capacity": 500,
            "eligibility": "open",
            "signup_mode": "series",
            "referral_places": 0,
        },
    )
    assert "Main hall holds at most 80 people" in response.content.decode()
    assert not Activity.objects.exists()


def test_another_partner_cannot_open_the_publish_form(
    client, booking, other_partner_user
):
    login(client, other_partner_user)
    assert (
        client.get(reverse("activities:create", args=[booking.pk])).status_code == 404
    )


def test_link_worker_refers_and_verifies(client, activity, link_worker):
    household, _ = family()
    login(client, link_worker)
    client.post(
        reverse("activities:referrals"),
        {"household_reference": household.reference, "activity": activity.pk},
    )
    page = client.get(reverse("activities:referrals")).content.decode()
    assert household.name in page and "Not signed up yet" in page
    client.post(
        reverse("activities:verify"),
        {"household_reference": household.reference, "eligible": "on"},
    )
    household.refresh_from_db()
    assert household.is_fsm_eligible


def test_families_cannot_open_the_verify_page(client):
    household, _ = family()
    login(client, household.user)
    assert client.get(reverse("activities:verify")).status_code == 403


@pytest.mark.parametrize("n", [3, 9])
def test_listing_query_count_is_constant(
    client, room, partner, n, django_assert_max_num_queries
):
    import datetime as dt

    from tests.activities.factories import london

    for i in range(n):
        booking = approved_booking(
            room=RoomFactory(site=room.site),
            partner=partner,
            weeks=2,
            starts=london(2026, 10, 13, 18) + dt.timedelta(days=i),
        )
        make_activity(booking=booking, title=f"A{i}")
    with django_assert_max_num_queries(8):
        body = client.get(reverse("activities:list")).content.decode()
    assert body.count("places left</span>") == n


@pytest.mark.parametrize("n", [2, 6])
def test_household_page_query_count_is_constant(
    client, room, partner, n, django_assert_max_num_queries
):
    import datetime as dt

    from tests.activities.factories import london

    household, members = family(children=1)
    for i in range(n):
        booking = approved_booking(
            room=RoomFactory(site=room.site),
            partner=partner,
            weeks=2,
            starts=london(2026, 10, 13, 18) + dt.timedelta(days=i),
        )
        sign_up(make_activity(booking=booking), household, members)
    login(client, household.user)
    # Who may collect and the dates the family is not coming to (+2), and a
    # content type the first time a process reads the history (+1).
    with django_assert_max_num_queries(15):
        client.get(reverse("activities:household"))


@pytest.mark.parametrize("n", [2, 6])
def test_manage_page_query_count_is_constant(
    client, activity, partner_user, n, django_assert_max_num_queries
):
    for _ in range(n):
        household, members = family(children=1)
        sign_up(activity, household, members[1:])
    login(client, partner_user)
    # The dates each family is not coming to (+1); the first time a process
    # reads the history it also looks up two content types (+2).
    with django_assert_max_num_queries(17):
        body = client.get(
            reverse("activities:manage", args=[activity.pk])
        ).content.decode()
    assert body.count("Child") >= n


def test_partner_adds_places_on_the_edit_page_and_the_waitlist_moves(
    client, booking, partner_user
):
    activity = make_activity(booking=booking, capacity=1)
    households = [family(children=0) for _ in range(2)]
    for household, members in households:
        sign_up(activity, household, members)
    login(client, partner_user)
    form = client.get(reverse("activities:edit", args=[activity.pk]))
    assert form.status_code == 200
    data = {
        "title": activity.title,
        "description": activity.description,
        "category": activity.category,
        "audience": activity.audience,
        "capacity": 2,
        "eligibility": "open",
        "signup_mode": "series",
        "referral_places": 0,
        "languages": "English",
    }
    response = client.post(reverse("activities:edit", args=[activity.pk]), data)
    assert response.status_code == 302
    assert set(SignUp.objects.values_list("status", flat=True)) == {"confirmed"}


@pytest.mark.parametrize("n", [2, 6])
def test_partner_and_link_worker_lists_query_counts(
    client, room, partner, partner_user, link_worker, n, django_assert_max_num_queries
):
    import datetime as dt

    from activities.services import referral_create
    from tests.activities.factories import london

    for i in range(n):
        booking = approved_booking(
            room=RoomFactory(site=room.site),
            partner=partner,
            weeks=2,
            starts=london(2026, 10, 13, 18) + dt.timedelta(days=i),
        )
        activity = make_activity(booking=booking, title=f"A{i}")
        household, members = family(children=1)
        referral_create(
            referred_by=link_worker,
            household_reference=household.reference,
            activity=activity,
        )
        sign_up(activity, household, members)
    login(client, partner_user)
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("activities:mine")).content.decode().count("/manage/")
            == n
        )
    login(client, link_worker)
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("activities:referrals"))
            .content.decode()
            .count("Confirmed")
            == n
        )
    session = activity.sessions.first()
    login(client, partner_user)
    # +2: who cancelled this date, and who may collect (runners only).
    with django_assert_max_num_queries(12):
        client.get(reverse("activities:register", args=[session.pk]))
