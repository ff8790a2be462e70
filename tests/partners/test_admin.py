"""The Django admin lists partners and documents for a platform admin."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/partners/partner/",
        "/admin/partners/compliancedocument/",
        "/admin/partners/partnermembership/",
    ],
)
def test_admin_lists_open_for_a_platform_admin(client, admin_user, partner, url):
    client.force_login(admin_user)
    response = client.get(url)
    expected = 404 if url.endswith("partnermembership/") else 200
    assert response.status_code == expected


def test_admin_partner_page_shows_decision_read_only(client, admin_user, partner):
    client.force_login(admin_user)
    response = client.get(f"/admin/partners/partner/{partner.pk}/change/")
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()


def test_admin_document_page_links_to_the_checked_view(client, admin_user, partner):
    doc = partner.documents.get()
    client.force_login(admin_user)
    page = client.get(f"/admin/partners/compliancedocument/{doc.pk}/change/")
    assert page.status_code == 200
    assert f'href="/partners/documents/{doc.pk}/"' in page.content.decode()
