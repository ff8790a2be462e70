"""Link-worker outcomes (issue 9, point 3): per referral the sign-up, sessions
attended and the last attendance; the family is emailed when referred; a
household set up on a family's behalf with their consent recorded, and claimed
by the family through a signed link that expires."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from activities.errors import DomainError, PermissionDenied
from activities.models import Household
from activities.services import (
    attendance_set,
    household_create_on_behalf,
    household_invite_claim,
    referral_create,
)
from hub.models import AuditEntry
from tests.activities.factories import family, sign_up
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_link_worker_sees_sign_up_sessions_attended_and_the_last_one(
    client,
    activity,
    link_worker,
    partner_user,
    time_machine,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    household, members = family(children=1, email="khan@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_create(
            referred_by=link_worker,
            household_reference=household.reference,
            activity=activity,
        )
    (email,) = [m for m in mailoutbox if "referred" in m.subject]
    assert email.to == ["khan@example.org"] and activity.title in email.body
    sign_up(activity, household, members)
    referral.refresh_from_db()
    assert referral.status == "used"  # the sign-up used the family's referral
    sessions = list(activity.sessions.order_by("starts_at"))
    for session, statuses in zip(
        sessions[:3],
        [("present", "late"), ("absent", "absent"), ("absent", "left_early")],
        strict=True,
    ):
        time_machine.move_to(session.starts_at, tick=False)
        for member, status in zip(members, statuses, strict=True):
            attendance_set(
                session=session, member=member, status=status, marked_by=partner_user
            )
    client.force_login(link_worker)
    page = client.get(reverse("activities:referrals")).content.decode()
    row = page[page.index(household.name) :]
    row = row[: row.index("</tr>")]
    assert "Confirmed" in row
    assert '<td class="numeric">2</td>' in row  # sessions, not people: 1st and 3rd
    last = sessions[2].starts_at.astimezone(activity.booking.room.site.zoneinfo)
    assert f"{last.day} {last:%b %Y}" in row


@pytest.fixture
def created(link_worker):
    return household_create_on_behalf(
        created_by=link_worker,
        consent_given_by="Aisha Khan",
        consent_method="phone",
        name="The Khan family",
        email="aisha@example.org",
        members=[{"kind": "carer", "first_name": "Aisha"}],
    )


def test_a_household_set_up_on_behalf_records_who_agreed_how_and_when(
    created, link_worker
):
    assert created.user is None and created.created_on_behalf_by == link_worker
    assert (created.consent_given_by, created.consent_method) == ("Aisha Khan", "phone")
    assert created.consent_recorded_at is not None
    entry = AuditEntry.objects.get(action="household.created_on_behalf")
    assert entry.actor == link_worker and "Aisha Khan (by phone)" in entry.reason
    assert link_worker.has_perm("activities.view_household", created)


def test_only_link_workers_and_only_with_consent(link_worker, partner_user):
    with pytest.raises(PermissionDenied):
        household_create_on_behalf(
            created_by=partner_user,
            consent_given_by="A",
            consent_method="phone",
            name="X",
        )
    with pytest.raises(DomainError) as error:
        household_create_on_behalf(
            created_by=link_worker,
            consent_given_by=" ",
            consent_method="phone",
            name="X",
        )
    assert error.value.field == "consent_given_by"
    with pytest.raises(DomainError):
        household_create_on_behalf(
            created_by=link_worker,
            consent_given_by="A",
            consent_method="telepathy",
            name="X",
        )
    assert not Household.objects.exists()


def test_the_on_behalf_page_needs_the_consent_confirmed(client, link_worker):
    client.force_login(link_worker)
    url = reverse("activities:household-on-behalf")
    data = {
        "name": "The Okafor family",
        "carer_first_name": "Ngozi",
        "email": "ngozi@example.org",
        "consent_given_by": "Ngozi Okafor",
        "consent_method": "in_person",
    }
    page = client.post(url, data).content.decode()
    assert "Confirm the family agreed before you continue." in page
    assert not Household.objects.exists()
    response = client.post(url, {**data, "consent_confirmed": "on"})
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.members.get().first_name == "Ngozi"
    assert household.consent_method == "in_person"


def claim_link(mailoutbox) -> str:
    (email,) = [m for m in mailoutbox if "family's details" in m.subject]
    return re.search(r"https?://\S+/activities/claim/\S+/", email.body).group(0)


def test_the_family_claims_it_by_creating_an_account(
    client, created, link_worker, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        household_invite_claim(household=created, invited_by=link_worker)
    path = "/" + claim_link(mailoutbox).split("/", 3)[3]
    assert "Claim your family" in client.get(path).content.decode()
    response = client.post(
        path,
        {
            "username": "aisha",
            "first_name": "Aisha",
            "last_name": "Khan",
            "email": "aisha@example.org",
            "password1": "a long family passphrase 42",
            "password2": "a long family passphrase 42",
        },
    )
    page = response.content.decode()
    assert response.status_code == 302, re.findall(r'error-message".*?</p>', page)
    created.refresh_from_db()
    assert created.user.username == "aisha"
    assert AuditEntry.objects.filter(action="household.claimed").count() == 1
    # the link is single-use: someone else cannot take it afterwards
    client.force_login(UserFactory())
    page = client.post(path, follow=True).content.decode()
    assert "already been claimed" in page
    created.refresh_from_db()
    assert created.user.username == "aisha"


def test_an_expired_or_tampered_link_claims_nothing(
    client,
    created,
    link_worker,
    time_machine,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        household_invite_claim(household=created, invited_by=link_worker)
    path = "/" + claim_link(mailoutbox).split("/", 3)[3]
    assert client.get(path[:-3] + "xx/").status_code == 404
    time_machine.shift(dt.timedelta(days=15))
    client.force_login(UserFactory())
    page = client.post(path, follow=True).content.decode()
    assert "This link has expired" in page
    created.refresh_from_db()
    assert created.user is None


def test_only_the_creator_invites_and_only_while_unclaimed(
    created, link_worker, other_manager
):
    with pytest.raises(PermissionDenied):
        household_invite_claim(household=created, invited_by=other_manager)
    created.user = UserFactory()
    created.save()
    with pytest.raises(PermissionDenied):
        household_invite_claim(household=created, invited_by=link_worker)


def test_who_sees_a_household_set_up_on_behalf_agrees_with_the_rules(
    created, link_worker, site, manager, partner_user
):
    """The list selector and has_perm agree (as in test_permission_matrix)."""
    from activities.selectors import household_list_visible
    from hub.models import StaffRole
    from tests.factories import StaffRoleFactory

    other_worker = StaffRoleFactory(site=site, role=StaffRole.Role.LINK_WORKER).user
    for user, sees in [
        (link_worker, True),
        (other_worker, False),
        (manager, False),
        (partner_user, False),
    ]:
        assert user.has_perm("activities.view_household", created) is sees
        assert (created in household_list_visible(actor=user)) is sees
