"""Pages that list a partner's documents, members and history keep the same
number of queries however many there are; staff members do not get the
administrators' forms."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Partner, PartnerMembership
from tests.factories import (
    ComplianceDocumentFactory,
    PartnerFactory,
    PartnerMembershipFactory,
)

pytestmark = pytest.mark.django_db


def _grow(partner, n: int) -> None:
    soon = timezone.localdate() + dt.timedelta(days=10)
    ComplianceDocumentFactory.create_batch(
        n, partner=partner, expires_on=soon, verified_at=None
    )
    PartnerMembershipFactory.create_batch(
        n, partner=partner, role=PartnerMembership.Role.STAFF
    )


def _counts(client, url, partner, django_assert_max_num_queries) -> list[int]:
    counts = []
    for n in (2, 6):
        _grow(partner, n)
        with django_assert_max_num_queries(25) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    return counts


def test_own_page_query_count_is_constant(
    client, partner, partner_user, django_assert_max_num_queries
):
    client.force_login(partner_user)
    counts = _counts(
        client, reverse("partners:mine"), partner, django_assert_max_num_queries
    )
    assert counts[0] == counts[1]


def test_manager_partner_page_query_count_is_constant(
    client, partner, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse("partners:detail", args=[partner.slug])
    counts = _counts(client, url, partner, django_assert_max_num_queries)
    assert counts[0] == counts[1]


def test_review_filter_shows_only_that_status(client, manager):
    PartnerFactory(name="Waiting Group", status=Partner.Status.APPLIED)
    PartnerFactory(name="Stopped Club", status=Partner.Status.SUSPENDED)
    client.force_login(manager)
    page = client.get(reverse("partners:review"), {"status": "suspended"})
    text = page.content.decode()
    assert "Stopped Club" in text and "Waiting Group" not in text


def test_staff_member_sees_documents_but_no_upload_or_member_form(
    client, partner, outsider
):
    staff = PartnerMembershipFactory(
        partner=partner, role=PartnerMembership.Role.STAFF
    ).user
    client.force_login(staff)
    page = client.get(reverse("partners:mine")).content.decode()
    assert "Public liability insurance" in page
    assert 'name="upload"' not in page and 'name="add_member"' not in page
    outsider.email = "newperson@example.org"
    outsider.save()
    client.post(
        reverse("partners:mine"),
        {"add_member": "1", "email": outsider.email, "role": "admin"},
    )
    assert not partner.memberships.filter(user=outsider).exists()
