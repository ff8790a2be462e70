"""The invoice list selector agrees with the rules: for every role,
`invoices_visible(actor=user)` returns exactly the invoices for which
`user.has_perm("payments.view_invoice", invoice)` is True; and each action's
permission per role. The API answers the same (list and 404s)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from hub.models import StaffRole
from payments import selectors
from payments.invoicing import invoice_issue, invoices_build_month
from payments.models import Invoice
from tests.activities.factories import approved_booking, london
from tests.factories import PartnerMembershipFactory, RoomFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db
OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture
def world(site, other_site, partner, other_partner, hire, room):
    """Issued invoices of two partners at `site`, a draft at `site`, and an
    issued invoice of `partner` at `other_site`."""
    theirs = approved_booking(
        room=room, partner=other_partner, starts=london(2026, 10, 14, 9)
    )
    theirs.slots.update(price_pence=100)
    for invoice in invoices_build_month(actor=None, site=site, month=OCTOBER):
        invoice_issue(actor=None, invoice=invoice)
    late = approved_booking(
        room=room, partner=partner, starts=london(2026, 10, 30, 9), weeks=1
    )
    late.slots.update(price_pence=300)
    invoices_build_month(actor=None, site=site, month=OCTOBER)  # a second, draft
    away = approved_booking(room=RoomFactory(site=other_site), partner=partner)
    away.slots.update(price_pence=200)
    for invoice in invoices_build_month(actor=None, site=other_site, month=OCTOBER):
        invoice_issue(actor=None, invoice=invoice)
    return {
        invoice_key(i): i for i in Invoice.objects.select_related("site", "partner")
    }


def invoice_key(invoice) -> str:
    state = "draft" if invoice.status == Invoice.Status.DRAFT else "issued"
    return f"{invoice.partner.slug}@{invoice.site.slug}:{state}"


@pytest.fixture
def users(
    partner,
    other_partner,
    site,
    other_site,
    manager,
    other_manager,
    admin_user,
    outsider,
):
    return {
        "anonymous": AnonymousUser(),
        "partner staff": PartnerMembershipFactory(partner=partner).user,
        "other partner": PartnerMembershipFactory(partner=other_partner).user,
        "business manager": manager,
        "other site's manager": other_manager,
        "site staff": StaffRoleFactory(site=site, role=StaffRole.Role.SITE_STAFF).user,
        "link worker": StaffRoleFactory(
            site=site, role=StaffRole.Role.LINK_WORKER
        ).user,
        "admin": admin_user,
        "outsider": outsider,
    }


EXPECTED = {
    "anonymous": set(),
    "partner staff": {
        "family-action-leeds@hillside:issued",
        "family-action-leeds@riverside:issued",
    },
    "other partner": {"leeds-food-bank@hillside:issued"},
    "business manager": {
        "family-action-leeds@hillside:issued",
        "family-action-leeds@hillside:draft",
        "leeds-food-bank@hillside:issued",
    },
    "other site's manager": {"family-action-leeds@riverside:issued"},
    "site staff": set(),
    "link worker": set(),
    "admin": {
        "family-action-leeds@hillside:issued",
        "family-action-leeds@hillside:draft",
        "leeds-food-bank@hillside:issued",
        "family-action-leeds@riverside:issued",
    },
    "outsider": set(),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_list_is_what_the_rules_allow(world, users, role):
    user = users[role]
    visible = {invoice_key(i) for i in selectors.invoices_visible(actor=user)}
    allowed = {k for k, i in world.items() if user.has_perm("payments.view_invoice", i)}
    assert visible == allowed == EXPECTED[role]


ACTIONS = {
    "payments.issue_invoice": {"business manager", "admin"},
    "payments.void_invoice": {"business manager", "admin"},
    "payments.record_payment": {"business manager", "admin"},
    "payments.refund_invoice_payment": {"business manager", "admin"},
    "payments.pay_invoice": {"partner staff", "admin"},
}


@pytest.mark.parametrize("perm", list(ACTIONS))
def test_who_may_act_on_an_invoice(world, users, perm):
    invoice = world["family-action-leeds@hillside:issued"]
    allowed = {role for role, user in users.items() if user.has_perm(perm, invoice)}
    assert allowed == ACTIONS[perm]


@pytest.mark.parametrize("role", ["partner staff", "other partner", "business manager"])
def test_the_api_lists_the_same(world, users, role, django_assert_max_num_queries):
    client = APIClient()
    client.force_authenticate(users[role])
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/invoices/")
    assert response.status_code == 200
    got = {f"{r['partner_id']}:{r['number']}" for r in response.json()["results"]}
    want = {
        f"{i.partner_id}:{i.number}" for k, i in world.items() if k in EXPECTED[role]
    }
    assert got == want


def test_the_api_hides_what_you_may_not_see(world, users):
    client = APIClient()
    client.force_authenticate(users["other partner"])
    for key in (
        "family-action-leeds@hillside:issued",
        "family-action-leeds@hillside:draft",
    ):
        response = client.get(f"/api/v1/invoices/{world[key].pk}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
