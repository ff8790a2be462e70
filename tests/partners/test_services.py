"""Partner services: decisions with who/when/why, members, compliance uploads."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hub.errors import DomainError, PermissionDenied, StateError
from hub.models import AuditEntry
from partners import services
from partners.models import ComplianceDocument, Partner, PartnerMembership
from partners.selectors import (
    document_warnings,
    partner_insured_days,
    partner_insured_on,
)
from tests.factories import ComplianceDocumentFactory, PartnerFactory, UserFactory

PDF = b"%PDF-1.4\n%test document\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 20
NEXT_YEAR = timezone.localdate() + dt.timedelta(days=365)


def upload(name="insurance.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def applied(db):
    return PartnerFactory(status=Partner.Status.APPLIED, name="New Start Parents")


def test_apply_creates_an_applied_partner_with_the_applicant_as_admin(db, outsider):
    partner = services.partner_apply(
        applicant=outsider,
        name="Beeston Youth Football",
        kind="community_group",
        contact_name="Ann Lee",
        contact_email="ann@example.org",
    )
    assert partner.status == Partner.Status.APPLIED
    assert partner.slug == "beeston-youth-football"
    membership = PartnerMembership.objects.get(partner=partner)
    assert (membership.user, membership.role) == (outsider, "admin")


def test_apply_never_takes_a_slug_that_hides_a_page(db, outsider):
    partner = services.partner_apply(
        applicant=outsider,
        name="Review",
        kind="charity",
        contact_name="A",
        contact_email="a@example.org",
    )
    assert partner.slug == "review-2"


def test_application_with_a_bad_email_saves_nothing(db):
    with pytest.raises(DomainError) as exc:
        services.partner_application_submit(
            account={
                "username": "newbie",
                "email": "newbie@example.org",
                "password": "a-long-pass-phrase-42",
            },
            partner={
                "name": "Rainbow Arts",
                "kind": "cic",
                "contact_name": "R",
                "contact_email": "not-an-email",
            },
        )
    assert exc.value.field == "contact_email"
    assert not Partner.objects.exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="newbie").exists()


def test_manager_approves_and_the_decision_records_who_when_why(applied, manager):
    services.partner_approve(
        partner=applied, decided_by=manager, reason="Documents checked"
    )
    applied.refresh_from_db()
    assert applied.status == Partner.Status.APPROVED
    assert applied.status_decided_by == manager
    assert applied.status_decided_at is not None
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.reason) == (
        "partner.approved",
        manager,
        "Documents checked",
    )
    assert entry.changes == {"status": ["applied", "approved"]}


def test_approving_without_a_reason_shows_none_but_logs_one(applied, manager):
    services.partner_approve(partner=applied, decided_by=manager)
    applied.refresh_from_db()
    assert (
        applied.status_reason == ""
    )  # the page shows "Approved", not "Approved – Approved."
    assert AuditEntry.objects.get().reason == "Approved."


def test_approving_twice_is_a_state_error(applied, manager):
    services.partner_approve(partner=applied, decided_by=manager)
    with pytest.raises(StateError):
        services.partner_approve(partner=applied, decided_by=manager)


def test_partner_staff_cannot_approve_partners(applied, partner_user):
    with pytest.raises(PermissionDenied):
        services.partner_approve(partner=applied, decided_by=partner_user)
    applied.refresh_from_db()
    assert applied.status == Partner.Status.APPLIED


def test_suspending_needs_a_reason_and_reinstating_needs_a_suspension(partner, manager):
    with pytest.raises(DomainError) as exc:
        services.partner_suspend(partner=partner, decided_by=manager, reason="  ")
    assert exc.value.field == "reason"
    services.partner_suspend(
        partner=partner, decided_by=manager, reason="Insurance lapsed"
    )
    partner.refresh_from_db()
    assert partner.status == Partner.Status.SUSPENDED
    with pytest.raises(StateError):
        services.partner_approve(partner=partner, decided_by=manager)
    services.partner_reinstate(partner=partner, decided_by=manager)
    partner.refresh_from_db()
    assert partner.status == Partner.Status.APPROVED


def test_admin_adds_a_member_by_email(partner, partner_user):
    colleague = UserFactory(email="sam@example.org")
    services.membership_add(
        partner=partner, email="SAM@example.org", role="staff", added_by=partner_user
    )
    assert PartnerMembership.objects.filter(
        partner=partner, user=colleague, role="staff"
    ).exists()


def test_adding_an_unknown_email_says_to_create_an_account(partner, partner_user):
    with pytest.raises(DomainError, match="create an account") as exc:
        services.membership_add(
            partner=partner,
            email="nobody@example.org",
            role="staff",
            added_by=partner_user,
        )
    assert exc.value.field == "email"


def _upload(partner, user, **overrides):
    kwargs = {
        "kind": "insurance",
        "file": upload(),
        "expires_on": NEXT_YEAR,
        "cover_amount_pence": 500_000_000,
    }
    kwargs.update(overrides)
    return services.compliance_document_upload(
        partner=partner, uploaded_by=user, **kwargs
    )


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"file": upload("policy.docx", b"PK\x03\x04")}, "file", "PDF, PNG or JPEG"),
        (
            {"file": upload("fake.pdf", b"MZ\x90\x00 not a pdf")},
            "file",
            "not a real PDF",
        ),
        (
            {"file": upload("big.pdf", PDF + b"\0" * (10 * 1024 * 1024))},
            "file",
            "10 MB or smaller",
        ),
        ({"expires_on": None}, "expires_on", "expires"),
        (
            {"expires_on": timezone.localdate() - dt.timedelta(days=1)},
            "expires_on",
            "in the past",
        ),
        ({"cover_amount_pence": None}, "cover_amount", "amount of cover"),
        (
            {"kind": "dbs", "expires_on": None, "cover_amount_pence": None},
            "expires_on",
            "expires",
        ),
    ],
)
def test_bad_uploads_are_refused_with_the_field_and_fix(
    partner, partner_user, overrides, field, message
):
    before = ComplianceDocument.objects.count()
    with pytest.raises(DomainError) as exc:
        _upload(partner, partner_user, **overrides)
    assert exc.value.field == field
    assert message in exc.value.message
    assert ComplianceDocument.objects.count() == before


@pytest.mark.parametrize(
    "name, content", [("cert.png", PNG), ("cert.jpg", JPEG), ("cert.pdf", PDF)]
)
def test_pdf_png_and_jpeg_are_accepted_unverified(partner, partner_user, name, content):
    doc = _upload(partner, partner_user, file=upload(name, content))
    assert doc.verified_at is None
    assert doc.cover_amount_pence == 500_000_000


def test_only_the_partners_own_admin_uploads(partner, other_partner_user):
    with pytest.raises(PermissionDenied):
        _upload(partner, other_partner_user)


def test_manager_verifies_and_insurance_then_counts(partner, partner_user, manager):
    doc = _upload(partner, partner_user, expires_on=NEXT_YEAR)
    partner.documents.exclude(pk=doc.pk).delete()
    assert not partner_insured_on(partner, NEXT_YEAR)
    services.compliance_document_verify(document=doc, verified_by=manager)
    assert partner_insured_on(partner, NEXT_YEAR)
    assert partner_insured_days(
        partner=partner, days=[NEXT_YEAR, NEXT_YEAR + dt.timedelta(days=1)]
    ) == {NEXT_YEAR}


def test_partner_staff_cannot_verify(partner, partner_user):
    doc = _upload(partner, partner_user)
    with pytest.raises(PermissionDenied):
        services.compliance_document_verify(document=doc, verified_by=partner_user)


def test_warnings_cover_expiring_and_expired_but_not_renewed_documents(db):
    today = timezone.localdate()
    soon = ComplianceDocumentFactory(expires_on=today + dt.timedelta(days=10))
    expired = ComplianceDocumentFactory(expires_on=today - dt.timedelta(days=3))
    renewed = ComplianceDocumentFactory(expires_on=today - dt.timedelta(days=3))
    ComplianceDocumentFactory(
        partner=renewed.partner, expires_on=today + dt.timedelta(days=300)
    )
    ComplianceDocumentFactory(expires_on=today + dt.timedelta(days=90))
    warnings = document_warnings(today=today)
    assert [(w.document, w.expired) for w in warnings] == [
        (expired, True),
        (soon, False),
    ]
    assert (
        "expires on" in warnings[1].message
        and "the organisation needs to upload the new" in warnings[1].message
    )


def test_insured_days_for_many_partners_in_one_query(
    partner, other_partner, django_assert_num_queries
):
    from partners.selectors import partners_insured_days

    # `partner` holds verified insurance to 31 August 2027; `other_partner` none.
    days = [dt.date(2027, 8, 31), dt.date(2027, 9, 1)]
    with django_assert_num_queries(1):
        table = partners_insured_days(
            partner_ids={partner.pk, other_partner.pk}, days=days
        )
    assert table == {partner.pk: {dt.date(2027, 8, 31)}, other_partner.pk: set()}
    assert table[partner.pk] == partner_insured_days(partner, days)
