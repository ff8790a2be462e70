"""The pages every public service has (privacy, accessibility, contact,
cookies) are linked from every page's footer, and the error pages are the
service's own, in plain English."""

import pytest
from django.test import Client, RequestFactory, override_settings

from hub.api_errors import server_error

INFO_PAGES = {
    "/privacy/": "Privacy notice",
    "/accessibility/": "Accessibility statement",
    "/contact/": "Contact us",
    "/cookies/": "Cookies",
}


@pytest.mark.django_db
def test_every_page_links_to_the_information_pages(client):
    html = client.get("/activities/").content.decode()
    for path in INFO_PAGES:
        assert f'href="{path}"' in html


@pytest.mark.django_db
@override_settings(SERVICE_OPERATOR="Northfield Learning Trust")
@override_settings(SERVICE_CONTACT_EMAIL="community@northfield.example")
@pytest.mark.parametrize(("path", "heading"), INFO_PAGES.items())
def test_information_pages_name_who_runs_the_service(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    if path != "/cookies/":
        assert "community@northfield.example" in html


@pytest.mark.django_db
def test_privacy_notice_covers_childrens_health_notes_and_the_right_to_delete(client):
    html = client.get("/privacy/").content.decode()
    assert "Medical, allergy and special educational needs notes" in html
    assert 'href="/activities/household/data.json"' in html  # the export
    assert 'href="/activities/household/delete/"' in html  # erasure
    assert "ico.org.uk" in html


@pytest.mark.django_db
@pytest.mark.parametrize("card_payments", [True, False])
def test_cookies_page_mentions_stripe_only_when_card_payments_are_on(
    client, settings, card_payments
):
    settings.USE_STRIPE = card_payments
    html = client.get("/cookies/").content.decode()
    assert ("Stripe" in html) is card_payments


@pytest.mark.django_db
def test_an_unknown_page_is_the_services_own_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'href="/contact/"' in html


@pytest.mark.django_db
def test_an_expired_form_says_what_happened_and_that_nothing_was_saved():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form has expired" in html
    assert "Nothing was saved." in html


@pytest.mark.django_db
def test_a_malformed_request_is_the_services_own_400():
    client = Client(raise_request_exception=False)
    response = client.get("/", HTTP_HOST="bad host name")
    assert response.status_code == 400
    html = response.content.decode()
    assert "We could not read that request" in html
    assert "Nothing was saved." in html


def test_a_server_error_page_is_plain_english_and_needs_no_database():
    response = server_error(RequestFactory().get("/bookings/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
