"""Partners API: public reads of approved partners, managers see all and decide,
403 / 404 / 409 / 400 with the one error body, constant query counts."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partners.models import Partner
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PARTNERS = reverse("partner-list-api")


def _url(name: str, partner) -> str:
    return reverse(f"partner-{name}-api", args=[partner.pk])


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def applied(db):
    return PartnerFactory(
        name="Hyde Park Youth", slug="hyde-park-youth", status=Partner.Status.APPLIED
    )


def _names(response) -> list[str]:
    return [p["name"] for p in response.json()["results"]]


def test_anonymous_sees_only_approved_partners(partner, applied):
    response = _client().get(PARTNERS)
    assert response.status_code == 200
    assert _names(response) == ["Family Action Leeds"]
    assert "status_reason" not in response.json()["results"][0]


def test_applied_partner_is_not_found_for_anonymous_and_other_partners(
    applied, other_partner_user
):
    for client in (_client(), _client(other_partner_user)):
        response = client.get(_url("detail", applied))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_manager_sees_all_and_filters_by_status_and_kind(manager, partner, applied):
    client = _client(manager)
    # Applications first, so the reviewer sees what is waiting.
    assert _names(client.get(PARTNERS)) == ["Hyde Park Youth", "Family Action Leeds"]
    assert _names(client.get(PARTNERS, {"status": "applied"})) == ["Hyde Park Youth"]
    assert _names(client.get(PARTNERS, {"kind": "cic"})) == []
    assert client.get(_url("detail", applied)).json()["status"] == "applied"


def test_unknown_status_filter_is_400_naming_it(manager):
    response = _client(manager).get(PARTNERS, {"status": "pending"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_manager_approves_an_application(manager, applied):
    response = _client(manager).post(
        _url("approve", applied), {"reason": "Checked."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    applied.refresh_from_db()
    assert applied.status_decided_by == manager
    assert applied.status_reason == "Checked."


def test_approving_twice_is_409(manager, partner):
    response = _client(manager).post(_url("approve", partner), {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"


def test_partner_staff_cannot_approve(partner_user, other_partner_user, applied):
    # Someone else's application is not theirs to see: 404, not 403.
    response = _client(other_partner_user).post(_url("approve", applied), {})
    assert response.status_code == 404
    response = _client(partner_user).post(
        _url("approve", partner_user.partner_memberships.get().partner), {}
    )
    assert response.status_code == 403
    applied.refresh_from_db()
    assert applied.status == Partner.Status.APPLIED


def test_anonymous_cannot_decide(partner):
    response = _client().post(_url("suspend", partner), {"reason": "x"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    partner.refresh_from_db()
    assert partner.status == Partner.Status.APPROVED


def test_wrong_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(PARTNERS).status_code == 401


def test_suspend_needs_a_reason_and_changes_nothing_without_one(manager, partner):
    response = _client(manager).post(_url("suspend", partner), {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    partner.refresh_from_db()
    assert partner.status == Partner.Status.APPROVED


def test_blank_reason_is_400(manager, partner):
    response = _client(manager).post(
        _url("suspend", partner), {"reason": "   "}, format="json"
    )
    assert response.status_code == 400
    partner.refresh_from_db()
    assert partner.status == Partner.Status.APPROVED


def test_unknown_fields_are_400(manager, applied):
    response = _client(manager).post(
        _url("approve", applied), {"reasn": "typo"}, format="json"
    )
    assert response.status_code == 400
    assert "reasn" in response.json()["error"]["fields"]
    applied.refresh_from_db()
    assert applied.status == Partner.Status.APPLIED


def test_wrong_type_is_400(manager, partner):
    response = _client(manager).post(
        _url("suspend", partner), {"reason": ["a", "b"]}, format="json"
    )
    assert response.status_code == 400


def test_suspend_then_reinstate(manager, partner):
    client = _client(manager)
    response = client.post(
        _url("suspend", partner), {"reason": "Insurance lapsed."}, format="json"
    )
    assert response.json()["status"] == "suspended"
    assert response.json()["status_reason"] == "Insurance lapsed."
    # Suspended partners disappear from the public list.
    assert _names(_client().get(PARTNERS)) == []
    response = client.post(_url("reinstate", partner), {}, format="json")
    assert response.json()["status"] == "approved"
    assert client.post(_url("reinstate", partner), {}).status_code == 409


def test_unknown_partner_is_404(manager):
    response = _client(manager).post("/api/v1/partners/99999/approve/", {})
    assert response.status_code == 404


@pytest.mark.parametrize("as_manager", [False, True])
def test_list_query_count_is_constant(
    as_manager, manager, django_assert_max_num_queries
):
    user = manager if as_manager else None
    PartnerFactory.create_batch(3)
    PartnerFactory.create_batch(2, status=Partner.Status.APPLIED)
    with django_assert_max_num_queries(8) as ctx_small:
        small = _client(user).get(PARTNERS)
    # 3N: three times as many of each.
    PartnerFactory.create_batch(6)
    PartnerFactory.create_batch(4, status=Partner.Status.APPLIED)
    if user is not None:
        user = type(user).objects.get(pk=user.pk)  # no cached roles
    with django_assert_max_num_queries(8) as ctx_large:
        large = _client(user).get(PARTNERS)
    assert large.json()["count"] > small.json()["count"]
    assert len(ctx_large.captured_queries) == len(ctx_small.captured_queries)
