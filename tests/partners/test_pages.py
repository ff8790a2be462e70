"""Partner pages: who sees what, decisions through the page, documents behind
permission checks, constant query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners.models import Partner
from tests.factories import ComplianceDocumentFactory, PartnerFactory

NEXT_YEAR = timezone.localdate() + dt.timedelta(days=365)


@pytest.fixture
def applied(db):
    return PartnerFactory(
        status=Partner.Status.APPLIED, name="New Start Parents", slug="new-start"
    )


def test_directory_lists_only_approved_partners(client, partner, applied):
    response = client.get(reverse("partners:directory"))
    assert partner.name in response.content.decode()
    assert applied.name not in response.content.decode()


def test_anonymous_cannot_open_an_application_or_review(client, applied):
    # An application is not public: to anonymous it does not exist.
    assert (
        client.get(reverse("partners:detail", args=[applied.slug])).status_code == 404
    )
    review = client.get(reverse("partners:review"))
    assert review.status_code == 302 and "/accounts/login/" in review.url


def test_public_partner_page_hides_documents(client, partner):
    page = client.get(reverse("partners:detail", args=[partner.slug])).content.decode()
    assert partner.name in page
    assert "Compliance documents" not in page


def test_manager_approves_an_application_from_its_page(client, manager, applied):
    client.force_login(manager)
    page = client.get(reverse("partners:detail", args=[applied.slug])).content.decode()
    assert f"Approve {applied.name}" in page
    response = client.post(
        reverse("partners:decide", args=[applied.slug]),
        {"decision": "approve", "reason": "All good"},
    )
    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.status == Partner.Status.APPROVED
    assert applied.status_reason == "All good"


def test_suspending_without_a_reason_says_so_and_changes_nothing(
    client, manager, partner
):
    client.force_login(manager)
    response = client.post(
        reverse("partners:decide", args=[partner.slug]),
        {"decision": "suspend", "reason": ""},
        follow=True,
    )
    assert "Give a reason" in response.content.decode()
    partner.refresh_from_db()
    assert partner.status == Partner.Status.APPROVED


def test_turning_down_without_a_reason_shows_the_error_on_the_reason_box(
    client, manager, applied
):
    client.force_login(manager)
    response = client.post(
        reverse("partners:decide", args=[applied.slug]),
        {"decision": "suspend", "reason": "   "},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert '<a href="#id_reason">Give a reason: the partner will see it.</a>' in page
    assert 'id="id_reason-error"' in page and 'aria-invalid="true"' in page
    applied.refresh_from_db()
    assert applied.status == Partner.Status.APPLIED


def test_partner_staff_cannot_decide_on_partners(client, partner_user, applied):
    client.force_login(partner_user)
    response = client.post(
        reverse("partners:decide", args=[applied.slug]), {"decision": "approve"}
    )
    assert response.status_code == 404  # another organisation's application
    own = client.post(
        reverse(
            "partners:decide",
            args=[partner_user.partner_memberships.get().partner.slug],
        ),
        {"decision": "suspend", "reason": "x"},
    )
    assert own.status_code == 403  # the service refuses
    applied.refresh_from_db()
    assert applied.status == Partner.Status.APPLIED
    assert client.get(reverse("partners:review")).status_code == 403


def test_documents_are_served_only_to_their_partner_and_managers(
    client, partner, partner_user, other_partner_user, manager, outsider
):
    doc = partner.documents.get()
    url = reverse("partners:document", args=[doc.pk])
    for user, status in [
        (partner_user, 200),
        (manager, 200),
        (other_partner_user, 404),  # documents they may not see do not exist
        (outsider, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
    client.logout()
    assert client.get(url).status_code == 302


def test_partner_uploads_a_document_from_its_own_page(client, partner, partner_user):
    client.force_login(partner_user)
    response = client.post(
        reverse("partners:mine"),
        {
            "upload": "1",
            "kind": "dbs",
            "expires_on": NEXT_YEAR.isoformat(),
            "file": SimpleUploadedFile("dbs.pdf", b"%PDF-1.7 dbs"),
        },
    )
    assert response.status_code == 302
    assert partner.documents.filter(kind="dbs", verified_at__isnull=True).exists()


def test_a_bad_upload_shows_the_error_on_the_field(client, partner, partner_user):
    client.force_login(partner_user)
    response = client.post(
        reverse("partners:mine"),
        {
            "upload": "1",
            "kind": "insurance",
            "expires_on": NEXT_YEAR.isoformat(),
            "cover_amount": "5000000",
            "file": SimpleUploadedFile("policy.exe", b"MZ"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_file"' in page and "PDF, PNG or JPEG" in page
    assert partner.documents.count() == 1


def test_own_page_warns_about_expiring_insurance(client, partner, partner_user):
    expires = timezone.localdate() + dt.timedelta(days=5)
    partner.documents.update(expires_on=expires)
    client.force_login(partner_user)
    page = client.get(reverse("partners:mine")).content.decode()
    assert (
        f"Your public liability insurance expires on {expires:%-d %B %Y}: "
        "upload the new certificate." in page
    )


def test_manager_verifies_a_document(client, partner, manager):
    doc = ComplianceDocumentFactory(
        partner=partner, kind="safeguarding", expires_on=None, verified_at=None
    )
    client.force_login(manager)
    client.post(reverse("partners:document-verify", args=[doc.pk]))
    doc.refresh_from_db()
    assert doc.verified_by == manager


def test_dashboard_shows_applications_expiring_documents_and_requests(
    client, manager, applied, partner
):
    partner.documents.update(expires_on=timezone.localdate() + dt.timedelta(days=7))
    client.force_login(manager)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert applied.name in page
    assert "Public liability insurance expires on" in page
    assert "Booking requests" in page


def test_dashboard_is_for_managers_only(client, partner_user):
    client.force_login(partner_user)
    assert client.get(reverse("portal:dashboard")).status_code == 403


def _partners(n: int) -> None:
    for _ in range(n):
        p = PartnerFactory(status=Partner.Status.APPLIED)
        ComplianceDocumentFactory(
            partner=p, expires_on=timezone.localdate() + dt.timedelta(days=3)
        )


@pytest.mark.parametrize(
    "url_name", ["partners:directory", "partners:review", "portal:dashboard"]
)
def test_list_pages_keep_a_constant_query_count(
    client, manager, url_name, django_assert_max_num_queries
):
    client.force_login(manager)
    for n in (3, 9):
        _partners(n)
        with django_assert_max_num_queries(12):
            assert client.get(reverse(url_name)).status_code == 200
