"""Edits in the Django admin leave an audit entry; the audit log is read-only there."""

import pytest

from hub.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_admin_edit_leaves_one_entry_with_the_changed_fields(
    client, admin_user, partner
):
    client.force_login(admin_user)
    url = f"/admin/partners/partner/{partner.pk}/change/"
    data = {
        "name": "Family Action Leeds North",
        "slug": partner.slug,
        "kind": partner.kind,
        "registration_number": partner.registration_number,
        "description": "",
        "website": "",
        "contact_name": partner.contact_name,
        "contact_email": partner.contact_email,
        "contact_phone": "",
        "rate_band": partner.rate_band,
        "charity_discount_percent": 0,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get()
    assert entry.action == "partner.changed"
    assert entry.actor == admin_user
    assert entry.changes == {
        "name": ["Family Action Leeds", "Family Action Leeds North"]
    }


def test_an_admin_delete_leaves_an_entry(client, admin_user, site):
    from tests.factories import ClosureFactory

    closure = ClosureFactory(site=site)
    client.force_login(admin_user)
    url = f"/admin/hub/closure/{closure.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == ("closure.deleted", closure.pk)


def test_the_audit_log_is_listed_but_cannot_be_edited(client, admin_user, partner):
    client.force_login(admin_user)
    assert client.get("/admin/hub/auditentry/").status_code == 200
    assert client.get("/admin/hub/auditentry/add/").status_code == 403
