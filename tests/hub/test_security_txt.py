"""/.well-known/security.txt (RFC 9116) and the policy page it points to,
with the contact from settings.SECURITY_CONTACT."""

import datetime as dt

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PATH = "/.well-known/security.txt"


def _fields(response) -> list[tuple[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.endswith("\n")
    return [tuple(line.split(": ", 1)) for line in text.splitlines()]


def test_security_txt_has_the_fields_rfc_9116_asks_for(client):
    fields = _fields(client.get(PATH))
    names = [name for name, _ in fields]
    assert names.count("Expires") == 1
    assert {"Contact", "Expires", "Preferred-Languages", "Policy"} <= set(names)
    values = dict(fields)
    assert values["Contact"] == "mailto:security@community-hub.example.org"
    assert values["Preferred-Languages"] == "en"
    assert values["Canonical"] == "http://testserver/.well-known/security.txt"
    assert values["Expires"].endswith("Z")
    expires = dt.datetime.fromisoformat(values["Expires"])
    ahead = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=30) < ahead < dt.timedelta(days=365)


def test_the_contact_is_configurable_and_each_is_a_uri(client, settings):
    settings.SECURITY_CONTACT = ["it@school.example", "https://school.example/report"]
    contacts = [v for name, v in _fields(client.get(PATH)) if name == "Contact"]
    assert contacts == ["mailto:it@school.example", "https://school.example/report"]


def test_the_policy_link_is_a_page_that_names_the_contact(settings):
    settings.SECURITY_CONTACT = ["it@school.example"]
    client = Client()
    policy = dict(_fields(client.get(PATH)))["Policy"]
    assert policy == "http://testserver/security/"
    page = client.get("/security/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<a href="mailto:it@school.example">it@school.example</a>' in html
    assert "three working days" in html


def test_security_txt_is_read_only(client):
    assert client.post(PATH).status_code == 405
