"""The partner permission rules, answered the same for views, API and templates:
members see their own partner, managers see and decide on all, everyone else
is refused (deny by default)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from partners.models import PartnerMembership
from tests.factories import PartnerMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_member(partner):
    return PartnerMembershipFactory(
        partner=partner, role=PartnerMembership.Role.STAFF, user__username="staff"
    ).user


def _doc(partner):
    return partner.documents.get()


def test_partner_admin_may_change_and_upload_for_their_own_partner_only(
    partner, partner_user, other_partner
):
    assert partner_user.has_perm("partners.change_partner", partner)
    assert partner_user.has_perm("partners.upload_document", partner)
    assert not partner_user.has_perm("partners.change_partner", other_partner)
    assert not partner_user.has_perm("partners.upload_document", other_partner)


def test_partner_staff_see_their_partner_but_do_not_administer_it(
    partner, staff_member
):
    assert staff_member.has_perm("partners.view_partner_private", partner)
    assert staff_member.has_perm("partners.view_document", _doc(partner))
    for perm in ("change_partner", "add_member", "upload_document"):
        assert not staff_member.has_perm(f"partners.{perm}", partner)


def test_partner_members_cannot_decide_verify_or_see_other_partners_documents(
    partner, partner_user, other_partner_user
):
    doc = _doc(partner)
    for user in (partner_user, other_partner_user):
        assert not user.has_perm("partners.decide_partner", partner)
        assert not user.has_perm("partners.verify_document", doc)
        assert not user.has_perm("partners.review_partners")
    assert not other_partner_user.has_perm("partners.view_document", doc)
    assert not other_partner_user.has_perm("partners.view_partner_private", partner)


@pytest.mark.parametrize("who", ["manager", "other_manager", "admin_user"])
def test_any_business_manager_or_platform_admin_decides_and_verifies(
    request, partner, who
):
    user = request.getfixturevalue(who)
    assert user.has_perm("partners.decide_partner", partner)
    assert user.has_perm("partners.verify_document", _doc(partner))
    assert user.has_perm("partners.view_document", _doc(partner))
    if not user.is_superuser:  # a superuser holds every permission in Django
        assert not user.has_perm("partners.upload_document", partner)


@pytest.mark.parametrize("who", ["outsider", "link_worker"])
def test_others_are_denied_everything(request, partner, who):
    user = request.getfixturevalue(who)
    for perm in (
        "view_partner_private",
        "change_partner",
        "decide_partner",
        "upload_document",
    ):
        assert not user.has_perm(f"partners.{perm}", partner)
    assert not user.has_perm("partners.view_document", _doc(partner))


def test_anonymous_is_denied_every_partner_permission(partner):
    anonymous = AnonymousUser()
    for perm in ("view_partner_private", "decide_partner", "review_partners"):
        assert not anonymous.has_perm(f"partners.{perm}", partner)
    assert not anonymous.has_perm("partners.view_document", _doc(partner))


def test_anonymous_sees_only_the_directory_partner_pages_and_application(
    client, partner
):
    public = [
        reverse("partners:directory"),
        reverse("partners:detail", args=[partner.slug]),
        reverse("partners:apply"),
    ]
    for url in public:
        assert client.get(url).status_code == 200, url
    private = [
        reverse("partners:mine"),
        reverse("partners:review"),
        reverse("partners:document", args=[_doc(partner).pk]),
        reverse("portal:dashboard"),
    ]
    for url in private:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_partner_staff_cannot_open_another_partners_document(
    client, partner, other_partner_user
):
    client.force_login(other_partner_user)
    url = reverse("partners:document", args=[_doc(partner).pk])
    assert client.get(url).status_code == 404


def test_documents_are_kept_outside_media_root_with_no_public_url(
    settings, partner, manager, client
):
    doc = _doc(partner)
    assert not (settings.MEDIA_ROOT / doc.file.name).exists()
    with pytest.raises(ValueError):
        doc.file.url  # noqa: B018
    client.force_login(manager)
    response = client.get(reverse("partners:document", args=[doc.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
