"""Django's own account forms (sign-in, password reset, new password, the
admin's sign-in) follow the rule of every page form (issue 12): a control
character is a form error on its field, never a 500 (PostgreSQL cannot store
or compare a NUL), and text is NFC. Runs on SQLite and PostgreSQL."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from hub.forms_accounts import NUL_IN_PASSWORD, AdminSignInForm

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Password-9"


@pytest.fixture
def ann(db):
    return get_user_model().objects.create_user(
        "ann", email="ann@example.org", password=PASSWORD
    )


def _field_errors(response, field):
    assert response.status_code == 200  # the form again, not a 500
    return [str(e) for e in response.context["form"].errors.get(field, [])]


@pytest.mark.parametrize("bad", ["ann\x00", "an\x1bn", "an\u2028n"])
def test_a_control_character_in_the_username_is_a_form_error(client, ann, bad):
    response = client.post(reverse("login"), {"username": bad, "password": PASSWORD})
    assert _field_errors(response, "username") == [
        "Remove the control character from Username. It must be one line."
    ]
    assert "_auth_user_id" not in client.session


def test_a_nul_in_the_password_at_sign_in_is_a_form_error(client, ann):
    response = client.post(reverse("login"), {"username": "ann", "password": "a\x00b"})
    assert _field_errors(response, "password") == [NUL_IN_PASSWORD]


def test_a_username_typed_in_another_unicode_form_still_signs_in(client):
    get_user_model().objects.create_user("jos\u00e9", password=PASSWORD)
    response = client.post(
        reverse("login"), {"username": "jose\u0301", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_nul_in_the_password_reset_email_is_a_form_error_and_sends_nothing(
    client, ann
):
    response = client.post(reverse("password_reset"), {"email": "ann@example.org\x00"})
    assert _field_errors(response, "email") == [
        "Remove the control character from Email. It must be one line."
    ]
    assert mail.outbox == []


def test_a_nul_in_a_new_password_is_a_form_error(client, ann):
    uid = urlsafe_base64_encode(force_bytes(ann.pk))
    token = default_token_generator.make_token(ann)
    link = reverse("password_reset_confirm", args=[uid, token])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    url = form_page.redirect_chain[-1][0]
    response = client.post(
        url, {"new_password1": "new\x00Passw0rd!", "new_password2": "new\x00Passw0rd!"}
    )
    assert NUL_IN_PASSWORD in _field_errors(response, "new_password1")
    ann.refresh_from_db()
    assert ann.check_password(PASSWORD)


def test_the_admin_sign_in_refuses_a_nul_in_the_username(client, ann):
    assert admin.site.login_form is AdminSignInForm
    response = client.post(
        reverse("admin:login"), {"username": "ann\x00", "password": PASSWORD}
    )
    assert _field_errors(response, "username") == [
        "Remove the control character from Username. It must be one line."
    ]
