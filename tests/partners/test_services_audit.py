"""Every partner service writes exactly one audit entry by its actor in its own
transaction; a refused or failed action writes none."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hub.errors import DomainError, PermissionDenied, StateError
from hub.models import AuditEntry
from partners import services
from partners.models import ComplianceDocument, Partner, PartnerMembership
from partners.selectors import partner_history
from tests.factories import PartnerFactory, PartnerMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test"


def _only_entry(action, actor, reason=None):
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == (action, actor)
    if reason is not None:
        assert entry.reason == reason
    return entry


def test_apply(outsider):
    partner = services.partner_apply(
        applicant=outsider,
        name="Chapeltown Youth",
        kind="community_group",
        contact_name="Jo",
        contact_email="jo@example.org",
    )
    entry = _only_entry("partner.applied", outsider)
    assert entry.object_id == partner.pk


@pytest.mark.parametrize(
    ("status", "service", "action"),
    [
        ("applied", services.partner_approve, "partner.approved"),
        ("approved", services.partner_suspend, "partner.suspended"),
        ("suspended", services.partner_reinstate, "partner.reinstated"),
    ],
)
def test_decisions(manager, status, service, action):
    partner = PartnerFactory(status=status)
    service(partner=partner, decided_by=manager, reason="Checked the documents")
    entry = _only_entry(action, manager, "Checked the documents")
    assert entry.changes["status"][0] == status


def test_refused_and_invalid_decisions_record_nothing(partner_user, manager):
    applied = PartnerFactory(status=Partner.Status.APPLIED)
    with pytest.raises(PermissionDenied):
        services.partner_approve(partner=applied, decided_by=partner_user)
    with pytest.raises(StateError):
        services.partner_reinstate(partner=applied, decided_by=manager)
    with pytest.raises(DomainError):
        services.partner_suspend(partner=applied, decided_by=manager, reason=" ")
    assert not AuditEntry.objects.exists()


def test_membership_add_and_remove_are_on_the_partners_history(partner, partner_user):
    newcomer = UserFactory(email="new@example.org")
    membership = services.membership_add(
        partner=partner, email="new@example.org", role="staff", added_by=partner_user
    )
    _only_entry("membership.added", partner_user)
    services.membership_remove(membership=membership, removed_by=partner_user)
    actions = [e.action for e in partner_history(partner=partner)]
    assert actions == ["membership.removed", "membership.added"]
    assert not PartnerMembership.objects.filter(user=newcomer).exists()


def test_the_last_administrator_cannot_be_removed(partner, partner_user):
    membership = PartnerMembership.objects.get(user=partner_user)
    with pytest.raises(StateError):
        services.membership_remove(membership=membership, removed_by=partner_user)
    assert not AuditEntry.objects.exists()


def test_staff_cannot_remove_people(partner, partner_user):
    staff = PartnerMembershipFactory(partner=partner, role="staff")
    with pytest.raises(PermissionDenied):
        services.membership_remove(
            membership=PartnerMembership.objects.get(user=partner_user),
            removed_by=staff.user,
        )


def test_upload_and_verify(partner, partner_user, manager):
    document = services.compliance_document_upload(
        partner=partner,
        uploaded_by=partner_user,
        kind="safeguarding",
        file=SimpleUploadedFile("policy.pdf", PDF),
    )
    _only_entry("compliance_document.uploaded", partner_user)
    services.compliance_document_verify(document=document, verified_by=manager)
    actions = [e.action for e in partner_history(partner=partner)]
    assert actions == ["compliance_document.verified", "compliance_document.uploaded"]


def test_a_refused_upload_records_nothing(partner, other_partner_user):
    with pytest.raises(PermissionDenied):
        services.compliance_document_upload(
            partner=partner,
            uploaded_by=other_partner_user,
            kind="insurance",
            file=SimpleUploadedFile("i.pdf", PDF),
            expires_on=dt.date(2030, 1, 1),
            cover_amount_pence=100,
        )
    assert not AuditEntry.objects.exists()
    assert ComplianceDocument.objects.filter(partner=partner).count() == 1


def test_the_partner_page_shows_its_history_to_those_who_may_see_it(
    client, manager, partner, outsider
):
    services.partner_suspend(partner=partner, decided_by=manager, reason="Expired")
    client.force_login(manager)
    page = client.get(f"/partners/{partner.slug}/").content.decode()
    assert "<caption>History</caption>" in page and "<td>Expired</td>" in page
    client.force_login(outsider)
    assert client.get(f"/partners/{partner.slug}/").status_code == 404
