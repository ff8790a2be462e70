"""The list selectors return exactly what the rules allow, for every role and
object type: nobody sees (or may manage) more or less through a list than
`has_perm` says about each object."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from hub import selectors as hub_selectors
from hub.models import Closure, Holiday, Room, Site, StaffRole, Term, Trust
from partners import selectors as partner_selectors
from partners.models import ComplianceDocument, Partner, PartnerMembership
from tests.factories import (
    ClosureFactory,
    ComplianceDocumentFactory,
    HolidayFactory,
    PartnerFactory,
    PartnerMembershipFactory,
    RoomFactory,
    SiteFactory,
    StaffRoleFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "partner_staff",
    "partner_admin",
    "other_partner",
    "business_manager",
    "site_staff",
    "link_worker",
    "admin",
]

# (object type, model, selector of the list, permission asked of each object)
OBJECT_TYPES = {
    "partner": (
        Partner,
        lambda actor: partner_selectors.partner_list_visible(actor=actor),
        "partners.view_partner",
    ),
    "compliance_document": (
        ComplianceDocument,
        lambda actor: partner_selectors.document_list_visible(actor=actor),
        "partners.view_document",
    ),
    "site": (
        Site,
        lambda actor: hub_selectors.site_list_managed(actor=actor),
        "hub.change_site",
    ),
    "room": (
        Room,
        lambda actor: hub_selectors.room_list_managed(actor=actor),
        "hub.change_room",
    ),
    "term": (
        Term,
        lambda actor: hub_selectors.term_list_managed(actor=actor),
        "hub.manage_calendar",
    ),
    "holiday": (
        Holiday,
        lambda actor: hub_selectors.holiday_list_managed(actor=actor),
        "hub.manage_calendar",
    ),
    "closure": (
        Closure,
        lambda actor: hub_selectors.closure_list_managed(actor=actor),
        "hub.manage_calendar",
    ),
}


@pytest.fixture
def world():
    """Two schools (one in a trust, with a shared term), rooms, dates, and
    partners in every status with documents and members."""
    trust = Trust.objects.create(name="Leeds Learning Trust", slug="llt")
    school = SiteFactory(slug="school", trust=trust)
    other_school = SiteFactory(slug="other-school")
    for site in (school, other_school):
        RoomFactory(site=site)
        TermFactory(site=site)
        HolidayFactory(site=site)
        ClosureFactory(site=site)
    TermFactory(
        site=None,
        trust=trust,
        starts_on=dt.date(2027, 1, 5),
        ends_on=dt.date(2027, 3, 1),
    )
    HolidayFactory(
        site=None,
        trust=trust,
        starts_on=dt.date(2027, 2, 15),
        ends_on=dt.date(2027, 2, 19),
    )
    ours = PartnerFactory(status=Partner.Status.APPLIED)
    theirs = PartnerFactory(status=Partner.Status.APPROVED)
    for status in Partner.Status.values:
        ComplianceDocumentFactory(partner=PartnerFactory(status=status))
    ComplianceDocumentFactory(partner=ours)
    ComplianceDocumentFactory(partner=theirs)
    users = {
        "partner_staff": PartnerMembershipFactory(
            partner=ours, role=PartnerMembership.Role.STAFF
        ).user,
        "partner_admin": PartnerMembershipFactory(
            partner=ours, role=PartnerMembership.Role.ADMIN
        ).user,
        "other_partner": PartnerMembershipFactory(partner=theirs).user,
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    for role in StaffRole.Role.values:
        users[role] = StaffRoleFactory(site=school, role=role).user
    return users


def _actor(world, role):
    return AnonymousUser() if role == "anonymous" else world[role]


@pytest.mark.parametrize("role", ROLES)
def test_list_selectors_return_exactly_what_has_perm_allows(world, role):
    """One world per role; every object type checked against it."""
    actor = _actor(world, role)
    for object_type, (model, listed, perm) in OBJECT_TYPES.items():
        allowed = {obj.pk for obj in model.objects.all() if actor.has_perm(perm, obj)}
        assert {obj.pk for obj in listed(actor)} == allowed, object_type


def test_the_matrix_is_not_trivially_empty_or_full(world):
    """Each role sees some but not all of something, so the test above could fail."""
    manager = world["business_manager"]
    managed = hub_selectors.site_list_managed(actor=manager)
    assert 0 < managed.count() < Site.objects.count()
    staff = world["partner_staff"]
    visible = partner_selectors.partner_list_visible(actor=staff)
    assert 0 < visible.count() < Partner.objects.count()
    assert (
        partner_selectors.partner_list_visible(actor=AnonymousUser()).count()
        == Partner.objects.filter(status="approved").count()
    )
