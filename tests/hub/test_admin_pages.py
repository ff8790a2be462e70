"""Platform admin: create sites and give staff roles (superusers only), and the
Django admin for the hub models."""

import datetime as dt

import pytest
from django.urls import reverse

from hub.models import Site, StaffRole, Term, Trust
from tests.factories import TermFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_SITE = {
    "trust": "",
    "name": "Oakwood Primary",
    "slug": "oakwood",
    "address": "2 Oak Road\nLeeds",
    "postcode": "ls7 3cd",
    "area": "Chapeltown",
    "timezone": "Europe/London",
    "contact_email": "",
    "closed_on_bank_holidays": "on",
}


def test_admin_creates_a_site_then_gives_it_a_manager(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("hub:site-create"), NEW_SITE)
    assert response.status_code == 302
    assert response.url == reverse("hub:site-roles", args=["oakwood"])
    site = Site.objects.get(slug="oakwood")
    assert site.postcode == "LS7 3CD"

    person = UserFactory(email="jo@oakwood.example.org")
    response = client.post(
        response.url, {"email": "JO@oakwood.example.org", "role": "business_manager"}
    )
    assert response.status_code == 302
    assert StaffRole.objects.filter(site=site, user=person).exists()
    # The new manager can now manage the new site.
    client.force_login(person)
    assert client.get(reverse("hub:site-manage", args=["oakwood"])).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "hillside", "Another school already uses this web address"),
        ("postcode", "12345", "Enter a real UK postcode"),
        ("timezone", "GMT+1", "is not a time zone"),
        ("slug", "new", "is reserved for the page that adds a school"),
    ],
)
def test_bad_new_site_is_explained_and_not_saved(
    client, admin_user, site, field, value, message
):
    client.force_login(admin_user)
    response = client.post(reverse("hub:site-create"), {**NEW_SITE, field: value})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}"' in body
    assert message in body
    assert Site.objects.count() == 1


def test_unknown_email_and_repeated_role_are_explained(client, admin_user, manager):
    client.force_login(admin_user)
    url = reverse("hub:site-roles", args=["hillside"])
    body = client.post(url, {"email": "nobody@example.org", "role": "site_staff"})
    assert "No account uses this email address" in body.content.decode()
    again = client.post(url, {"email": manager.email, "role": "business_manager"})
    assert "is already a business manager at Hillside Primary" in again.content.decode()
    assert StaffRole.objects.count() == 1


def test_admin_removes_a_role(client, admin_user, manager):
    client.force_login(admin_user)
    role = StaffRole.objects.get(user=manager)
    url = reverse("hub:site-role-remove", args=["hillside", role.pk])
    assert client.post(url).status_code == 302
    assert not StaffRole.objects.exists()


def test_only_superusers_create_sites_and_assign_roles(client, manager, site):
    client.force_login(manager)
    assert client.get(reverse("hub:site-create")).status_code == 403
    assert client.post(reverse("hub:site-create"), NEW_SITE).status_code == 403
    url = reverse("hub:site-roles", args=["hillside"])
    assert client.get(url).status_code == 403
    post = {"email": manager.email, "role": "link_worker"}
    assert client.post(url, post).status_code == 403
    assert Site.objects.count() == 1
    assert StaffRole.objects.count() == 1


def test_anonymous_is_sent_to_sign_in_for_admin_pages(client, site):
    response = client.get(reverse("hub:site-create"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "model", ["site", "room", "roomfeature", "term", "holiday", "closure", "staffrole"]
)
def test_django_admin_lists_hub_models(client, admin_user, room, model):
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:hub_{model}_changelist"))
    assert response.status_code == 200


def test_django_admin_shows_site_history(client, admin_user, site):
    client.force_login(admin_user)
    url = reverse("admin:hub_site_history", args=[site.pk])
    assert client.get(url).status_code == 200


def _admin_term_post(**overrides):
    return {
        "site": "",
        "trust": "",
        "name": "Spring term",
        "starts_on": "2027-01-05",
        "ends_on": "2027-03-26",
        **overrides,
    }


def test_django_admin_rejects_a_trust_term_overlapping_a_school_term(
    client, admin_user, site
):
    trust = Trust.objects.create(name="Leeds Learning Trust", slug="llt")
    site.trust = trust
    site.save()
    TermFactory(site=site, starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 4, 1))
    client.force_login(admin_user)
    url = reverse("admin:hub_term_add")
    response = client.post(url, _admin_term_post(trust=trust.pk))
    assert response.status_code == 200
    assert "These dates overlap Autumn term" in response.content.decode()
    assert not Term.objects.filter(trust=trust).exists()
    ok = client.post(url, _admin_term_post(trust=trust.pk, ends_on="2027-02-12"))
    assert ok.status_code == 302
    assert Term.objects.filter(trust=trust).count() == 1


def test_django_admin_rejects_a_bad_postcode(client, admin_user):
    client.force_login(admin_user)
    data = {**NEW_SITE, "postcode": "NOPE", "opening_hours-TOTAL_FORMS": "0"}
    data["opening_hours-INITIAL_FORMS"] = "0"
    response = client.post(reverse("admin:hub_site_add"), data)
    assert "Enter a real UK postcode" in response.content.decode()
    assert not Site.objects.exists()
