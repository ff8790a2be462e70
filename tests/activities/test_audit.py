"""One audit log (issue 7, point 5): every activities service writes exactly
one entry per object it changes, in its transaction, with who, what and why;
a refused action writes none; erasure removes personal data from the log."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.errors import DomainError, PermissionDenied, StateError
from activities.models import Activity, Attendance, Session, SignUp
from activities.services import (
    activity_cancel,
    activity_create,
    activity_publish,
    activity_update,
    attendance_mark,
    household_create,
    household_request_deletion,
    household_update,
    household_verify_eligibility,
    member_add,
    member_remove,
    member_update,
    referral_create,
    referral_withdraw,
    session_cancel,
    sessions_cancel_for_slots,
    signup_cancel,
    signup_create,
)
from hub.audit import ERASED
from hub.models import AuditEntry
from tests.activities.factories import family, make_activity, sign_up
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def entries(action=None):
    qs = AuditEntry.objects.order_by("pk")
    return list(qs.filter(action=action) if action else qs)


def new_entries(since: int):
    return list(AuditEntry.objects.filter(pk__gt=since).order_by("pk"))


def last_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def about(entry, obj) -> bool:
    return entry.object_id == obj.pk and entry.content_type.model_class() is type(obj)


def test_publishing_an_activity_is_one_entry_and_one_per_session(booking, partner_user):
    start = last_pk()
    activity = activity_create(
        booking=booking,
        created_by=partner_user,
        publish=True,
        title="Cook",
        description="Cook together",
        category="cooking",
        capacity=10,
    )
    made = new_entries(start)
    assert [(e.action, e.actor) for e in made if about(e, activity)] == [
        ("activity.published", partner_user)
    ]
    sessions = [e for e in made if e.action == "session.created"]
    assert len(sessions) == activity.sessions.count() == 4


def test_a_refused_action_writes_no_entry(activity, other_partner_user):
    start = last_pk()
    with pytest.raises(PermissionDenied):
        activity_cancel(activity=activity, cancelled_by=other_partner_user, reason="x")
    with pytest.raises(DomainError):
        activity_update(activity=activity, updated_by=activity.created_by, capacity=0)
    assert new_entries(start) == []


def test_editing_records_before_and_after(activity, partner_user):
    start = last_pk()
    activity_update(
        activity=activity, updated_by=partner_user, capacity=12, reason="Bigger room"
    )
    (entry,) = new_entries(start)
    assert (entry.action, entry.actor, entry.reason) == (
        "activity.updated",
        partner_user,
        "Bigger room",
    )
    assert entry.changes == {"capacity": [10, 12]}


def test_publish_draft(booking, partner_user):
    draft = make_activity(booking=booking, status=Activity.Status.DRAFT)
    start = last_pk()
    activity_publish(activity=draft, published_by=partner_user)
    (entry,) = new_entries(start)
    assert entry.action == "activity.published" and about(entry, draft)
    with pytest.raises(StateError):
        activity_publish(activity=draft, published_by=partner_user)
    assert len(new_entries(start)) == 1


def test_cancelling_an_activity_records_it_its_sessions_and_each_signup(
    activity, partner_user
):
    signups = [sign_up(activity, *family(children=1)).signup for _ in range(2)]
    start = last_pk()
    activity_cancel(activity=activity, cancelled_by=partner_user, reason="Flood")
    made = new_entries(start)
    assert {e.action for e in made} == {
        "activity.cancelled",
        "session.cancelled",
        "signup.cancelled",
    }
    assert all(e.actor == partner_user and e.reason == "Flood" for e in made)
    assert sorted(e.object_id for e in made if e.action == "signup.cancelled") == [
        s.pk for s in signups
    ]
    assert len([e for e in made if e.action == "session.cancelled"]) == 4
    assert len([e for e in made if e.action == "activity.cancelled"]) == 1


def test_cancelling_a_session_records_it_and_its_own_signups(booking, partner_user):
    activity = make_activity(booking=booking, signup_mode="session")
    session = activity.sessions.order_by("starts_at").first()
    signup = sign_up(activity, *family(children=1), session=session).signup
    start = last_pk()
    session_cancel(session=session, reason="Training", cancelled_by=partner_user)
    made = new_entries(start)
    assert [(e.action, e.object_id) for e in made] == [
        ("session.cancelled", session.pk),
        ("signup.cancelled", signup.pk),
    ]
    with pytest.raises(DomainError):
        session_cancel(session=session, reason=" ", cancelled_by=partner_user)


def test_a_room_booking_cancelled_by_the_system_has_no_actor(activity):
    slot = activity.booking.slots.order_by("starts_at").first()
    start = last_pk()
    sessions_cancel_for_slots(slot_ids=[slot.pk], reason="Boiler broken")
    (entry,) = new_entries(start)
    assert (entry.action, entry.actor, entry.reason) == (
        "session.cancelled",
        None,
        "Boiler broken",
    )
    sessions_cancel_for_slots(slot_ids=[slot.pk], reason="Boiler broken")
    assert len(new_entries(start)) == 1  # idempotent: nothing new


def test_signup_cancel_promotes_with_a_system_entry_and_a_reason(booking):
    activity = make_activity(booking=booking, capacity=1)
    first = sign_up(activity, *family(children=0)).signup
    waiting = sign_up(activity, *family(children=0)).signup
    start = last_pk()
    signup_cancel(signup=first, cancelled_by=first.household.user, reason="Ill")
    cancelled, promoted = new_entries(start)
    assert (cancelled.action, cancelled.actor, cancelled.reason) == (
        "signup.cancelled",
        first.household.user,
        "Ill",
    )
    assert cancelled.changes == {"status": ["confirmed", "cancelled"]}
    assert (promoted.action, promoted.actor, promoted.object_id) == (
        "signup.promoted",
        None,
        waiting.pk,
    )
    assert promoted.reason == f"place freed by cancellation of sign-up #{first.pk}"


def test_decline_is_the_same_path_with_its_own_action(booking):
    activity = make_activity(booking=booking, capacity=1)
    signup = sign_up(activity, *family(children=0)).signup
    start = last_pk()
    signup_cancel(
        signup=signup, cancelled_by=signup.household.user, kind=SignUp.Status.DECLINED
    )
    (entry,) = new_entries(start)
    assert entry.action == "signup.declined"
    with pytest.raises(StateError):
        signup_cancel(signup=signup, cancelled_by=signup.household.user)
    assert len(new_entries(start)) == 1


def test_signup_create_records_the_signup_and_the_referral_it_uses(
    booking, link_worker
):
    activity = make_activity(booking=booking, eligibility="referral")
    household, members = family(children=1)
    referral = referral_create(
        referred_by=link_worker,
        household_reference=household.reference,
        activity=activity,
        note="Needs support",
    )
    (made,) = entries("referral.created")
    assert (made.actor, made.reason) == (link_worker, "Needs support")
    start = last_pk()
    signup = sign_up(activity, household, members).signup
    created, used = new_entries(start)
    assert (created.action, created.actor) == ("signup.created", household.user)
    assert about(created, signup)
    assert (used.action, used.object_id) == ("referral.used", referral.pk)
    stranger, _ = family()
    with pytest.raises(PermissionDenied):
        signup_create(
            household=household,
            activity=activity,
            members=members,
            created_by=stranger.user,
        )
    assert len(new_entries(start)) == 2


def test_referral_withdraw(activity, link_worker):
    household, _ = family()
    referral = referral_create(
        referred_by=link_worker,
        household_reference=household.reference,
        activity=activity,
    )
    start = last_pk()
    with pytest.raises(PermissionDenied):
        referral_withdraw(referral=referral, withdrawn_by=UserFactory())
    referral_withdraw(referral=referral, withdrawn_by=link_worker, reason="Moved away")
    (entry,) = new_entries(start)
    assert (entry.action, entry.reason) == ("referral.withdrawn", "Moved away")


def test_re_marking_attendance_keeps_before_and_after(
    activity, partner_user, time_machine
):
    household, members = family(children=1)
    sign_up(activity, household, members)
    session = activity.sessions.order_by("starts_at").first()
    time_machine.move_to(session.starts_at, tick=False)  # the register is open
    ids = {m.pk for m in members}
    start = last_pk()
    attendance_mark(session=session, marked_by=partner_user, present_member_ids=ids)
    first = new_entries(start)
    assert [(e.action, e.changes) for e in first] == [
        ("attendance.marked", {"status": [None, "present"]})
    ] * 2
    start = last_pk()
    child = members[1]
    attendance_mark(
        session=session, marked_by=partner_user, present_member_ids=ids - {child.pk}
    )
    (again,) = new_entries(start)  # only the changed mark
    mark = Attendance.objects.get(session=session, member=child)
    assert about(again, mark) and again.changes == {"status": ["present", "absent"]}
    attendance_mark(
        session=session, marked_by=partner_user, present_member_ids=ids - {child.pk}
    )
    assert len(new_entries(start)) == 1  # nothing changed, nothing written


def test_eligibility_grant_and_revoke(manager):
    household, _ = family()
    start = last_pk()
    household_verify_eligibility(household=household, verified_by=manager)
    household_verify_eligibility(
        household=household, verified_by=manager, eligible=False, reason="Left school"
    )
    granted, revoked = new_entries(start)
    assert granted.action == "household.eligibility_granted"
    assert (revoked.action, revoked.reason) == (
        "household.eligibility_revoked",
        "Left school",
    )
    with pytest.raises(PermissionDenied):
        household_verify_eligibility(household=household, verified_by=household.user)
    assert len(new_entries(start)) == 2


def test_household_life_is_recorded_on_the_household():
    user = UserFactory()
    start = last_pk()
    household = household_create(
        user=user,
        name="The Khans",
        members=[{"kind": "carer", "first_name": "Aisha"}],
    )
    (created,) = new_entries(start)
    assert created.action == "household.created" and about(created, household)
    member = household.members.get()
    assert any(k.startswith(f"member #{member.pk}") for k in created.changes)
    household_update(household=household, updated_by=user, phone="07700 900123")
    child = member_add(
        household=household,
        added_by=user,
        kind="child",
        first_name="Sami",
        date_of_birth=dt.date(2018, 4, 2),
    )
    child_id = child.pk
    member_update(member=child, updated_by=user, medical_notes="Nut allergy")
    member_remove(member=child, removed_by=user)
    actions = [e.action for e in new_entries(start)]
    assert actions == [
        "household.created",
        "household.updated",
        "household.member_added",
        "household.member_changed",
        "household.member_removed",
    ]
    assert all(about(e, household) for e in new_entries(start))
    changed = entries("household.member_changed")[0]
    assert changed.changes == {f"member #{child_id} medical_notes": ["", "Nut allergy"]}
    removed = entries("household.member_removed")[0]
    assert removed.changes[f"member #{child_id} first_name"] == ["Sami", None]


def test_erasure_keeps_the_facts_but_not_the_personal_data(activity):
    household, members = family(children=1)
    members[1].medical_notes = "Severe nut allergy"
    members[1].save()
    member_update(member=members[1], updated_by=household.user, first_name="Samira")
    signup = sign_up(activity, household, members).signup
    start = last_pk()
    household_request_deletion(household=household, requested_by=household.user)
    made = new_entries(start)
    assert [e.action for e in made][-1] == "household.erased"
    assert "signup.cancelled" in [e.action for e in made]
    text = " ".join(
        f"{e.object_repr} {e.reason} {e.changes}" for e in AuditEntry.objects.all()
    )
    for secret in ("Samira", "Severe nut allergy", household.reference):
        assert secret not in text
    assert AuditEntry.objects.filter(
        object_id=signup.pk, action="signup.created", object_repr=ERASED
    ).exists()


def test_history_on_the_manage_and_household_pages(client, activity, partner_user):
    household, members = family(children=1)
    signup = sign_up(activity, household, members).signup
    activity_update(activity=activity, updated_by=partner_user, capacity=12)
    client.force_login(partner_user)
    page = client.get(reverse("activities:manage", args=[activity.pk])).content
    assert b"<caption>History</caption>" in page and b"Activity updated" in page
    client.force_login(household.user)
    page = client.get(reverse("activities:household")).content.decode()
    assert "<caption>History</caption>" in page and "Sign-up made" in page
    assert signup.pk


def test_no_bulk_change_skips_the_log(booking, partner_user):
    """Every session and sign-up changed by a cancellation has its entry."""
    activity = make_activity(booking=booking, signup_mode="session")
    sessions = list(activity.sessions.all())
    for session in sessions[:2]:
        sign_up(activity, *family(children=0), session=session)
    activity_cancel(activity=activity, cancelled_by=partner_user, reason="Closed")
    cancelled_sessions = Session.objects.filter(status="cancelled")
    cancelled_signups = SignUp.objects.filter(status="cancelled")
    assert {e.object_id for e in entries("session.cancelled")} == {
        s.pk for s in cancelled_sessions
    }
    assert {e.object_id for e in entries("signup.cancelled")} == {
        s.pk for s in cancelled_signups
    }


def test_other_refused_actions_write_nothing(activity, partner_user, link_worker):
    household, members = family(children=1)
    sign_up(activity, household, members)
    referral_create(
        referred_by=link_worker,
        household_reference=household.reference,
        activity=activity,
    )
    session = activity.sessions.first()
    start = last_pk()
    refused = [
        (DomainError, lambda: household_create(user=household.user, name="Again")),
        (
            StateError,
            lambda: member_remove(member=members[0], removed_by=household.user),
        ),
        (
            DomainError,
            lambda: referral_create(
                referred_by=link_worker,
                household_reference=household.reference,
                activity=activity,
            ),
        ),
        (
            DomainError,
            lambda: attendance_mark(
                session=session, marked_by=partner_user, present_member_ids={999999}
            ),
        ),
        (
            PermissionDenied,
            lambda: member_add(
                household=household, added_by=partner_user, kind="carer", first_name="X"
            ),
        ),
        (
            PermissionDenied,
            lambda: household_request_deletion(
                household=household, requested_by=partner_user
            ),
        ),
    ]
    for error, action in refused:
        with pytest.raises(error):
            action()
    assert new_entries(start) == []


def test_an_admin_edit_is_audited(client, activity, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {
        "title": "Cook, eat, chat",
        "sessions-TOTAL_FORMS": 0,
        "sessions-INITIAL_FORMS": 0,
    }
    start = last_pk()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    (entry,) = new_entries(start)
    assert (entry.action, entry.actor) == ("activity.changed", admin_user)
    assert entry.changes == {"title": ["Cook and eat", "Cook, eat, chat"]}
