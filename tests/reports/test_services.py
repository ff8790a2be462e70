"""Assigning a trust administrator: platform admins only, once, audited."""

import pytest

from hub.errors import DomainError, PermissionDenied
from hub.models import AuditEntry, Trust
from reports.models import TrustAdministrator
from reports.rules import trust_ids_for
from reports.services import trust_administrator_add
from tests.factories import StaffRoleFactory, UserFactory


@pytest.fixture
def trust(db):
    return Trust.objects.create(name="North Leeds Trust", slug="north-leeds")


def test_a_platform_admin_adds_a_trust_administrator(trust):
    admin, lead = UserFactory(is_superuser=True), UserFactory()
    role = trust_administrator_add(
        actor=admin, user=lead, trust=trust, reason="New lead"
    )
    assert trust_ids_for(UserFactory._meta.model.objects.get(pk=lead.pk)) == {trust.pk}
    entry = AuditEntry.objects.get(action="trust_administrator.added")
    assert (entry.actor, entry.object_id, entry.reason) == (admin, role.pk, "New lead")


def test_nobody_else_may_and_nothing_changes(trust):
    manager = StaffRoleFactory().user
    with pytest.raises(PermissionDenied):
        trust_administrator_add(actor=manager, user=UserFactory(), trust=trust)
    assert not TrustAdministrator.objects.exists()
    assert not AuditEntry.objects.filter(action="trust_administrator.added").exists()


def test_twice_is_a_clear_error(trust):
    admin, lead = UserFactory(is_superuser=True), UserFactory()
    trust_administrator_add(actor=admin, user=lead, trust=trust)
    with pytest.raises(DomainError, match="already administers"):
        trust_administrator_add(actor=admin, user=lead, trust=trust)
    assert TrustAdministrator.objects.count() == 1
