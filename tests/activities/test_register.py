"""Registers (issue 9, point 1): who sees what, who may mark, the opening
window, the 7-day lock with the manager's override, walk-ins, and the audit
entry of every change. Time is frozen (tests/activities/conftest.py) and moved
to the session here."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from activities.errors import DomainError, PermissionDenied, StateError
from activities.models import Attendance, AuthorisedCollector, WalkInCount
from activities.register_selectors import register_get
from activities.services import (
    attendance_set,
    register_save,
    session_cancel,
    walk_in_add,
    walk_in_count_set,
)
from hub.models import AuditEntry, StaffRole
from tests.activities.factories import family, make_activity, sign_up
from tests.factories import StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def booked(activity):
    """A family of a carer and a child (with allergies and notes) with a
    confirmed place in the whole series; the first session."""
    household, members = family(
        children=1,
        emergency_contact_name="Gran Khan",
        emergency_contact_phone="07700 900123",
        consent_photos=False,
    )
    AuthorisedCollector.objects.create(
        household=household,
        name="Uncle Sami",
        relationship="uncle",
        phone="07700 900456",
    )
    child = members[1]
    child.allergies, child.medical_notes, child.send_notes = (
        "Peanuts",
        "Inhaler in bag",
        "Needs quiet breaks",
    )
    child.save()
    sign_up(activity, household, members)
    session = activity.sessions.order_by("starts_at").first()
    session.activity = activity  # carries booking__room__site for the rules
    return household, members, session


@pytest.fixture
def site_staff(site):
    return StaffRoleFactory(site=site, role=StaffRole.Role.SITE_STAFF).user


def at(time_machine, when):
    time_machine.move_to(when, tick=False)


# Who sees the register and its notes -----------------------------------------


@pytest.mark.parametrize(
    ("who", "sees", "notes", "marks"),
    [
        ("partner_user", True, True, True),
        ("manager", True, False, True),
        ("site_staff", True, False, False),
        ("link_worker", False, False, False),
        ("other_partner_user", False, False, False),
        ("family", False, False, False),
        ("outsider", False, False, False),
        ("admin_user", True, True, True),
    ],
)
def test_permission_matrix_for_registers(
    request, booked, who, sees, notes, marks, time_machine
):
    """Need-to-know: only the session's runners see allergies, medical and
    SEND notes; the school's manager and site staff see the register (who is in
    the building, emergency contacts) without them; the manager may mark it
    (covering a session); link workers, other partners and families see
    nothing."""
    household, _, session = booked
    user = household.user if who == "family" else request.getfixturevalue(who)
    at(time_machine, session.starts_at)
    assert user.has_perm("activities.view_register", session) is sees
    assert user.has_perm("activities.view_register_notes", session) is notes
    assert user.has_perm("activities.take_register", session) is marks
    if sees:
        register = register_get(session=session, user=user)
        assert register.show_notes is notes and register.can_mark is marks
    else:
        with pytest.raises(PermissionDenied):
            register_get(session=session, user=user)


def test_anonymous_has_no_register_permission(booked):
    _, _, session = booked
    assert not AnonymousUser().has_perm("activities.view_register", session)
    assert not AnonymousUser().has_perm("activities.take_register", session)


def test_register_page_shows_needs_as_text_to_runners_only(
    client, booked, partner_user, manager, time_machine
):
    _, members, session = booked
    at(time_machine, session.starts_at)
    client.force_login(partner_user)
    url = reverse("activities:register", args=[session.pk])
    response = client.get(url)
    page = response.content.decode()
    assert response["Cache-Control"] == "no-store, private"
    for text in (
        "Peanuts",
        "Inhaler in bag",
        "Needs quiet breaks",
        "Gran Khan",
        "07700 900123",
        "Uncle Sami",
        "No photos",
    ):
        assert text in page
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert "Gran Khan" in page and "No photos" in page
    assert (
        "Peanuts" not in page and "Inhaler" not in page and "quiet breaks" not in page
    )
    # Who may collect is need-to-know too (issue 9): runners only.
    assert "Uncle Sami" not in page and "07700 900456" not in page
    assert "shown only to the people running this session" in page


# The opening window and the 7-day lock ---------------------------------------


def test_register_opens_an_hour_before_the_session(booked, partner_user, time_machine):
    _, members, session = booked
    at(time_machine, session.starts_at - HOUR - dt.timedelta(minutes=1))
    with pytest.raises(StateError, match="opens an hour before"):
        attendance_set(
            session=session, member=members[1], status="present", marked_by=partner_user
        )
    assert not Attendance.objects.exists()
    at(time_machine, session.starts_at - HOUR)
    attendance_set(
        session=session, member=members[1], status="present", marked_by=partner_user
    )
    assert Attendance.objects.get().status == "present"


def test_after_7_days_only_the_business_manager_can_change_it(
    booked, partner_user, manager, time_machine
):
    _, members, session = booked
    at(time_machine, session.starts_at)
    attendance_set(
        session=session, member=members[1], status="absent", marked_by=partner_user
    )
    at(time_machine, session.ends_at + dt.timedelta(days=7) - dt.timedelta(seconds=1))
    attendance_set(
        session=session, member=members[1], status="late", marked_by=partner_user
    )
    at(time_machine, session.ends_at + dt.timedelta(days=7))
    with pytest.raises(PermissionDenied, match="business manager"):
        attendance_set(
            session=session, member=members[1], status="present", marked_by=partner_user
        )
    assert Attendance.objects.get().status == "late"
    attendance_set(
        session=session, member=members[1], status="present", marked_by=manager
    )
    mark = Attendance.objects.get()
    assert (mark.status, mark.marked_by) == ("present", manager)
    entry = AuditEntry.objects.filter(action="attendance.marked").latest("pk")
    assert entry.actor == manager and entry.changes["status"] == ["late", "present"]


def test_a_cancelled_session_has_no_register(booked, partner_user, time_machine):
    _, members, session = booked
    session_cancel(session=session, reason="Boiler broken", cancelled_by=partner_user)
    session.refresh_from_db()
    at(time_machine, session.starts_at)
    with pytest.raises(StateError, match="cancelled"):
        attendance_set(
            session=session, member=members[1], status="present", marked_by=partner_user
        )
    assert not Attendance.objects.exists()


# Marks ------------------------------------------------------------------------


def test_late_and_left_early_keep_their_times_and_every_change_is_audited(
    booked, partner_user, time_machine
):
    _, members, session = booked
    child = members[1]
    at(time_machine, session.starts_at + dt.timedelta(minutes=20))
    start = AuditEntry.objects.count()
    mark = attendance_set(
        session=session, member=child, status="late", marked_by=partner_user
    )
    assert mark.arrived_at == session.starts_at + dt.timedelta(minutes=20)
    at(time_machine, session.starts_at + dt.timedelta(minutes=70))
    mark = attendance_set(
        session=session, member=child, status="left_early", marked_by=partner_user
    )
    assert mark.arrived_at == session.starts_at + dt.timedelta(minutes=20)
    assert mark.left_at == session.starts_at + dt.timedelta(minutes=70)
    attendance_set(
        session=session, member=child, status="left_early", marked_by=partner_user
    )  # unchanged: no entry
    entries = list(AuditEntry.objects.order_by("pk")[start:])
    assert [e.action for e in entries] == ["attendance.marked"] * 2
    assert entries[0].changes["status"] == [None, "late"]
    assert entries[1].changes["status"] == ["late", "left_early"]
    assert (
        entries[1].actor == partner_user
        and entries[1].site_id == session.activity.booking.room.site_id
    )


def test_leaving_before_arriving_is_refused(booked, partner_user, time_machine):
    _, members, session = booked
    at(time_machine, session.starts_at)
    with pytest.raises(DomainError, match="after the time they arrived"):
        attendance_set(
            session=session,
            member=members[1],
            status="left_early",
            arrived_at=session.starts_at + HOUR,
            left_at=session.starts_at,
            marked_by=partner_user,
        )
    assert not Attendance.objects.exists()


def test_marking_someone_not_booked_is_refused(booked, partner_user, time_machine):
    _, _, session = booked
    _, strangers = family(children=1)
    at(time_machine, session.starts_at)
    with pytest.raises(DomainError, match="no place in this session") as error:
        attendance_set(
            session=session,
            member=strangers[1],
            status="present",
            marked_by=partner_user,
        )
    assert error.value.field == "member"
    assert strangers[1].first_name not in error.value.message  # no name leaks
    with pytest.raises(DomainError):
        register_save(
            session=session, marks={strangers[1].pk: "present"}, marked_by=partner_user
        )
    assert not Attendance.objects.exists()


def test_another_partners_staff_cannot_mark(booked, other_partner_user, time_machine):
    _, members, session = booked
    at(time_machine, session.starts_at)
    with pytest.raises(PermissionDenied):
        attendance_set(
            session=session,
            member=members[1],
            status="present",
            marked_by=other_partner_user,
        )
    assert (
        not Attendance.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="attendance.").exists()
    )


def test_the_form_without_javascript_saves_the_whole_register(
    client, booked, partner_user, time_machine
):
    _, members, session = booked
    at(time_machine, session.starts_at)
    client.force_login(partner_user)
    response = client.post(
        reverse("activities:register", args=[session.pk]),
        {f"status-{members[0].pk}": "present", f"status-{members[1].pk}": "late"},
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("member_id", "status")) == {
        members[0].pk: "present",
        members[1].pk: "late",
    }


def test_a_mark_outside_the_window_on_the_page_says_why(client, booked, partner_user):
    _, members, session = booked  # 1 October: the session is on 13 October
    client.force_login(partner_user)
    url = reverse("activities:register", args=[session.pk])
    page = client.get(url).content.decode()
    assert "Not open yet" in page and " disabled" in page
    response = client.post(url, {f"status-{members[1].pk}": "present"}, follow=True)
    assert "The register opens an hour before the session" in response.content.decode()
    assert not Attendance.objects.exists()


# Walk-ins -----------------------------------------------------------------------


def test_a_walk_in_from_a_known_household_joins_the_register(
    booked, partner_user, time_machine
):
    _, _, session = booked
    other, others = family(children=1)
    at(time_machine, session.starts_at)
    with pytest.raises(DomainError, match="reference"):
        walk_in_add(
            session=session,
            household_reference="WRONG123",
            member_id=others[1].pk,
            added_by=partner_user,
        )
    mark = walk_in_add(
        session=session,
        household_reference=other.reference.lower(),
        member_id=others[1].pk,
        added_by=partner_user,
    )
    assert (mark.walk_in, mark.status) == (True, "present")
    entry = AuditEntry.objects.get(action="attendance.walk_in_added")
    assert entry.object_id == mark.pk
    register = register_get(session=session, user=partner_user)
    row = next(r for r in register.rows if r.member == others[1])
    assert row.booked is False
    # once on the register, the walk-in is marked like anyone else
    attendance_set(
        session=session, member=others[1], status="left_early", marked_by=partner_user
    )
    with pytest.raises(DomainError, match="already on the register"):
        walk_in_add(
            session=session,
            household_reference=other.reference,
            member_id=others[1].pk,
            added_by=partner_user,
        )


def test_people_not_registered_are_a_count(booked, partner_user, time_machine):
    _, _, session = booked
    at(time_machine, session.starts_at)
    walk_in_count_set(
        session=session, count=3, note="2 adults", recorded_by=partner_user
    )
    walk_in_count_set(
        session=session, count=4, note="2 adults", recorded_by=partner_user
    )
    row = WalkInCount.objects.get()
    assert (row.count, row.session) == (4, session)
    changes = [
        e.changes
        for e in AuditEntry.objects.filter(
            action="attendance.walk_ins_counted"
        ).order_by("pk")
    ]
    assert changes == [
        {"count": [None, 3], "note": [None, "2 adults"]},
        {"count": [3, 4]},
    ]
    with pytest.raises(DomainError, match="0 to 1000"):
        walk_in_count_set(session=session, count=1001, recorded_by=partner_user)


def test_walk_in_pages(client, booked, partner_user, time_machine):
    _, _, session = booked
    other, others = family(children=1)
    at(time_machine, session.starts_at)
    client.force_login(partner_user)
    url = reverse("activities:register-walk-in", args=[session.pk])
    page = client.get(url, {"household_reference": other.reference}).content.decode()
    assert others[1].first_name in page
    response = client.post(
        url,
        {
            "household_reference": other.reference,
            "member_id": others[1].pk,
            "status": "late",
        },
    )
    assert response.status_code == 302
    assert Attendance.objects.get(member=others[1]).walk_in
    response = client.post(
        reverse("activities:register-walk-in-count", args=[session.pk]),
        {"walk-ins-count": "2", "walk-ins-note": ""},
    )
    assert response.status_code == 302 and WalkInCount.objects.get().count == 2


def test_register_page_queries_do_not_grow_with_people(
    client, booking, partner_user, time_machine, django_assert_max_num_queries
):
    activity = make_activity(booking=booking, capacity=60)
    for _ in range(8):
        household, members = family(children=2)
        sign_up(activity, household, members)
    session = activity.sessions.order_by("starts_at").first()
    at(time_machine, session.starts_at)
    client.force_login(partner_user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("activities:register", args=[session.pk]))
    assert response.content.decode().count('class="register-row"') == 24


def test_someone_without_a_role_gets_403_not_the_register(client, booked, time_machine):
    _, _, session = booked
    at(time_machine, session.starts_at)
    client.force_login(UserFactory())
    response = client.get(reverse("activities:register", args=[session.pk]))
    assert response.status_code == 403


def test_the_api_gives_notes_to_runners_only_in_a_fixed_number_of_queries(
    booked, partner_user, site_staff, time_machine, django_assert_max_num_queries
):
    from rest_framework.test import APIClient

    _, members, session = booked
    at(time_machine, session.starts_at)
    url = f"/api/v1/sessions/{session.pk}/register/"
    client = APIClient()
    client.force_authenticate(partner_user)
    with django_assert_max_num_queries(15):
        body = client.get(url).json()
    child = next(r for r in body["rows"] if r["member_id"] == members[1].pk)
    assert (child["allergies"], child["photo_consent"]) == ("Peanuts", "No photos")
    assert body["state"] == "open" and body["can_mark"] and body["notes_shown"]
    client.force_authenticate(site_staff)
    body = client.get(url).json()
    child = next(r for r in body["rows"] if r["member_id"] == members[1].pk)
    assert child["allergies"] is None and child["medical_notes"] is None
    assert child["emergency_contact"] == "Gran Khan 07700 900123"
    assert body["can_mark"] is False
    response = client.put(
        f"{url}{members[1].pk}/", {"status": "present"}, format="json"
    )
    assert response.status_code == 403 and not Attendance.objects.exists()
