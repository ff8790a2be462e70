"""Security headers (docs/security.md, "Headers"): a Content-Security-Policy
with no inline script or style, a Permissions-Policy, and
`Cache-Control: no-store, private` on everything that may carry personal data
while public pages stay cacheable."""

import io
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from activities.models import Activity, Session
from tests.browser.test_every_page import _pages

NO_STORE = "no-store, private"


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


class _InlineFinder(HTMLParser):
    """Collects everything a CSP without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and not attrs.get("nonce"):
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style" and not attrs.get("nonce"):
            self.found.append(f"<style> element at line {self.getpos()[0]}")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f'{name}="" on <{tag}> at line {self.getpos()[0]}')
        for name in ("href", "src", "action", "formaction"):
            if (attrs.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def _inline(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())
    pages = _pages()
    activity = Activity.objects.filter(
        partner__memberships__user__username="partner1"
    ).first()
    session = Session.objects.filter(activity__partner=activity.partner).first()
    pages["partner1"] += [
        f"/activities/{activity.pk}/manage/",
        f"/activities/sessions/{session.pk}/register/",
    ]
    return pages


def _sign_in(client, username):
    client.logout()
    if username != "-":
        client.force_login(get_user_model().objects.get(username=username))


def test_every_main_page_has_no_inline_script_or_style(client, demo):
    problems = {}
    for username, paths in demo.items():
        _sign_in(client, username)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, f"{path} as {username}"
            assert "'unsafe-inline'" not in response["Content-Security-Policy"]
            assert response["Permissions-Policy"]
            found = _inline(response.content.decode())
            if found:
                problems[f"{path} as {username}"] = found
    assert problems == {}


def test_the_checker_finds_inline_script_and_style():
    html = (
        '<script>alert(1)</script><script src="/a.js"></script>'
        '<script nonce="abc">ok()</script><style>p{}</style>'
        '<p style="color:red" onclick="x()">'
        '<a href="javascript:void(0)">'
    )
    assert len(_inline(html)) == 5


def test_csp_directives_on_a_page(client, db):
    response = client.get("/")
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no nonce asked for
    assert directives["style-src"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]


def test_csp_on_api_and_error_responses(client, db):
    for path in ("/api/v1/sites/", "/no-such-page/", "/api/v1/no-such-thing/"):
        response = client.get(path)
        assert _directives(response)["default-src"] == ["'self'"], path


def test_swagger_ui_runs_its_inline_setup_under_a_nonce(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _inline(html) == []
    directives = _directives(response)
    nonces = [v for v in directives["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    assert f'<script nonce="{nonce}">' in html
    assert f'<style nonce="{nonce}">' in html
    assert directives["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    # The Swagger UI assets come from our own static files (sidecar).
    assert "swagger-ui-bundle.js" in html and "//cdn" not in html
    second = client.get("/api/docs/")
    assert nonce not in second["Content-Security-Policy"]


def test_permissions_policy(client, db):
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "usb=()"):
        assert feature in policy
    assert "payment=(self)" in policy
    assert client.get("/api/v1/sites/")["Permissions-Policy"] == policy


def test_personal_pages_and_downloads_are_not_stored(client, demo):
    session = Session.objects.filter(
        activity__partner__memberships__user__username="partner1"
    ).first()
    private = {
        "family01": [
            "/activities/household/",
            "/activities/household/edit/",
            "/activities/household/data.json",
            "/api/v1/households/me/",
            # Even a public page: a signed-in user's copy shows their name.
            "/activities/",
        ],
        "partner1": [f"/activities/sessions/{session.pk}/register/"],
        "manager1": ["/dashboard/", "/api/v1/sites/"],
    }
    for username, paths in private.items():
        _sign_in(client, username)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, f"{path} as {username}"
            assert response["Cache-Control"] == NO_STORE, f"{path} as {username}"


def test_api_token_callers_get_no_store(client, db, django_user_model):
    from rest_framework.authtoken.models import Token

    user = django_user_model.objects.create_user("tokenfamily", password="x")
    token = Token.objects.create(user=user)
    response = client.get("/api/v1/sites/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_private_api_answers_to_anonymous_are_not_stored(client, db):
    for path in ("/api/v1/households/me/", "/api/v1/no-such-thing/"):
        response = client.get(path)
        assert response.status_code in (401, 404), path
        assert response["Cache-Control"] == NO_STORE, path


def test_public_pages_stay_cacheable(client, db):
    for path in ("/", "/sites/", "/activities/", "/partners/", "/api/v1/sites/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.get("Cache-Control", ""), path
        assert "private" not in response.get("Cache-Control", ""), path
