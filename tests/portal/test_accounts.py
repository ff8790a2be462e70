"""Accounts: family sign-up, partner application, password reset, throttling."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from partners.models import Partner, PartnerMembership
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "sunny-Garden-42"

ACCOUNT = {
    "first_name": "Amira",
    "last_name": "Khan",
    "email": "amira@example.org",
    "username": "amira",
    "password1": GOOD_PASSWORD,
    "password2": GOOD_PASSWORD,
}
ORGANISATION = {
    "name": "Riverside Youth Trust",
    "kind": "charity",
    "registration_number": "1234567",
    "description": "Youth clubs.",
    "website": "https://riverside.example.org",
    "contact_name": "Amira Khan",
    "contact_email": "office@riverside.example.org",
    "contact_phone": "",
}


def _signed_in_user(client):
    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_family_sign_up_creates_a_signed_in_user_and_asks_about_the_family(client):
    response = client.post(reverse("signup-family"), ACCOUNT)
    assert response.status_code == 302
    assert response.url == reverse("activities:household-create")
    assert _signed_in_user(client).username == "amira"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter an email address"),
        ({"password2": "something-else-9"}, "password2", "do not match"),
        ({"password1": "123", "password2": "123"}, "password1", "too short"),
        ({"username": "taken"}, "username", "username is taken"),
    ],
)
def test_family_sign_up_explains_bad_input_and_saves_nothing(
    client, change, field, message
):
    UserFactory(username="taken")
    response = client.post(reverse("signup-family"), {**ACCOUNT, **change})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert b'class="error-summary' in response.content or b"There is a problem" in (
        response.content
    )
    assert not get_user_model().objects.filter(email="amira@example.org").exists()


def test_partner_application_creates_user_applied_partner_and_admin_membership(
    client,
):
    response = client.post(reverse("partners:apply"), {**ACCOUNT, **ORGANISATION})
    assert response.status_code == 302
    partner = Partner.objects.get(name="Riverside Youth Trust")
    assert partner.status == Partner.Status.APPLIED
    user = _signed_in_user(client)
    membership = PartnerMembership.objects.get(partner=partner)
    assert membership.user == user
    assert membership.role == PartnerMembership.Role.ADMIN


def test_partner_application_with_a_bad_organisation_creates_no_account(client):
    response = client.post(
        reverse("partners:apply"), {**ACCOUNT, **ORGANISATION, "kind": ""}
    )
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not get_user_model().objects.filter(username="amira").exists()
    assert not Partner.objects.exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="reset@example.org")
    response = client.post(reverse("password_reset"), {"email": "reset@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)


def test_account_pages_render_with_one_heading(client):
    for name in ("login", "signup-family", "password_reset", "partners:apply"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert response.content.count(b"<h1") == 1, name


def _login(client, password):
    return client.post(
        reverse("login"),
        {"username": "locked", "password": password},
        REMOTE_ADDR="10.0.0.1",
    )


def test_sixth_attempt_is_refused_even_with_the_right_password(client):
    UserFactory(username="locked")
    # The fifth failure itself already answers with the locked-out page.
    statuses = [_login(client, "wrong-password").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_the_right_password_works_before_the_limit(client):
    UserFactory(username="locked")
    for _ in range(4):
        _login(client, "wrong-password")
    assert _login(client, PASSWORD).status_code == 302


# Each bad input the issue lists: the summary links to the field, nothing saved.


def _summary(response) -> str:
    match = re.search(r'class="error-summary".*?</ul>', response.content.decode(), re.S)
    assert match, "no error summary on the page"
    return match.group(0)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"username": "TAKEN"}, "username", "That username is taken"),
        ({"email": "taken@example.org"}, "email", "already uses that email"),
        ({"password1": "password", "password2": "password"}, "password1", "common"),
        (
            {"password1": "12345678901", "password2": "12345678901"},
            "password1",
            "numeric",
        ),
        ({"password2": "something-else-1"}, "password2", "do not match"),
    ],
)
def test_family_sign_up_error_summary_links_to_the_field(
    client, change, field, message
):
    UserFactory(username="taken", email="taken@example.org")
    users = get_user_model().objects.count()
    response = client.post(reverse("signup-family"), {**ACCOUNT, **change})
    summary = _summary(response)
    assert f'href="#id_{field}"' in summary
    assert message in summary
    assert f'id="id_{field}-error"' in response.content.decode()
    assert get_user_model().objects.count() == users
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the name of your organisation"),
        ({"contact_email": "office-at-example"}, "contact_email", "like name@"),
        ({"website": "not a url"}, "website", "Enter a web address"),
        ({"username": "taken"}, "username", "That username is taken"),
        ({"kind": "club"}, "kind", "Choose the type of organisation"),
    ],
)
def test_partner_application_bad_input_names_the_field_and_saves_nothing(
    client, change, field, message
):
    UserFactory(username="taken")
    users = get_user_model().objects.count()
    data = {**ACCOUNT, **ORGANISATION, **change}
    response = client.post(reverse("partners:apply"), data)
    assert response.status_code == 200
    summary = _summary(response)
    assert f'href="#id_{field}"' in summary
    assert message in summary
    assert get_user_model().objects.count() == users
    assert not Partner.objects.exists()
    assert not PartnerMembership.objects.exists()


def test_signed_in_user_applies_with_the_organisation_fields_only(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("partners:apply")).content.decode()
    assert 'name="username"' not in page
    response = client.post(reverse("partners:apply"), ORGANISATION)
    assert response.status_code == 302
    partner = Partner.objects.get(name="Riverside Youth Trust")
    assert partner.memberships.get().user == outsider


def test_password_reset_email_is_plain_and_its_link_works_once(client, outsider):
    client.post(reverse("password_reset"), {"email": outsider.email})
    email = mail.outbox[0]
    assert email.subject == "Reset your Community Hub password"
    assert email.to == [outsider.email]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", email.body).group(1)
    response = client.get(link, follow=True)
    assert b"Choose a new password" in response.content
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert b"expired or been used" in client.get(link, follow=True).content


def test_password_reset_for_an_unknown_email_sends_nothing(client):
    response = client.post(
        reverse("password_reset"), {"email": "nobody@example.org"}, follow=True
    )
    assert b"Check your email" in response.content
    assert mail.outbox == []
