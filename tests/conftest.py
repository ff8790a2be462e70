"""Shared worlds for the tests: a site with a room, its business manager, an
approved partner with staff, and an outsider (after healthchecks' alice/bob/charlie)."""

import pytest
from django.conf import settings as django_settings

from hub.models import StaffRole
from tests.factories import (
    ComplianceDocumentFactory,
    PartnerFactory,
    PartnerMembershipFactory,
    RoomFactory,
    SiteFactory,
    StaffRoleFactory,
    UserFactory,
)

requires_postgres = pytest.mark.skipif(
    not django_settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)"
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def site(db):
    return SiteFactory(name="Hillside Primary", slug="hillside")


@pytest.fixture
def other_site(db):
    return SiteFactory(name="Riverside Academy", slug="riverside")


@pytest.fixture
def room(site):
    return RoomFactory(site=site, name="Main hall", slug="main-hall", capacity=80)


@pytest.fixture
def manager(site):
    """Business manager of `site`."""
    return StaffRoleFactory(
        site=site, role=StaffRole.Role.BUSINESS_MANAGER, user__username="bm"
    ).user


@pytest.fixture
def other_manager(other_site):
    return StaffRoleFactory(
        site=other_site, role=StaffRole.Role.BUSINESS_MANAGER, user__username="bm2"
    ).user


@pytest.fixture
def link_worker(site):
    return StaffRoleFactory(
        site=site, role=StaffRole.Role.LINK_WORKER, user__username="lw"
    ).user


@pytest.fixture
def partner(db):
    partner = PartnerFactory(name="Family Action Leeds", slug="family-action-leeds")
    ComplianceDocumentFactory(partner=partner)
    return partner


@pytest.fixture
def partner_user(partner):
    return PartnerMembershipFactory(partner=partner, user__username="pu").user


@pytest.fixture
def other_partner(db):
    return PartnerFactory(name="Leeds Food Bank", slug="leeds-food-bank")


@pytest.fixture
def other_partner_user(other_partner):
    return PartnerMembershipFactory(partner=other_partner, user__username="opu").user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)
