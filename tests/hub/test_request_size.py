"""A body over the limit is a 413 before anything reads it (issue 12): under
/api/ the JSON error body, elsewhere the friendly page; a multipart upload
too (Django would stream any size of file to disk first). Nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hub.api_parsers import API_MAX_BODY_BYTES
from hub.request_limits import RequestSizeLimitMiddleware, page_max_body_bytes
from partners.models import ComplianceDocument

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _pdf(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "insurance.pdf", b"%PDF-1.4\n" + b"x" * size, "application/pdf"
    )


def test_a_multipart_api_body_over_the_limit_is_413_with_the_error_body(
    client, partner_user
):
    client.force_login(partner_user)
    response = client.post(
        "/api/v1/bookings/", {"title": "Cooking", "file": _pdf(API_MAX_BODY_BYTES)}
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert "1 MB" in error["message"]
    assert set(error) == {"code", "message", "fields", "details"}


def test_an_api_body_over_the_limit_is_413_even_at_an_unknown_address():
    response = Client().post(
        "/api/v1/no-such-thing/", {"file": _pdf(API_MAX_BODY_BYTES)}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_an_upload_over_the_limit_on_a_page_is_the_friendly_413_page(
    client, partner, partner_user
):
    before = ComplianceDocument.objects.count()
    client.force_login(partner_user)
    response = client.post(
        reverse("partners:mine"),
        {"upload": "1", "kind": "insurance", "file": _pdf(page_max_body_bytes())},
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "That was too large to send" in page
    assert "at most 10 MB" in page
    assert ComplianceDocument.objects.count() == before


def test_an_upload_under_the_limit_reaches_the_form(client, partner, partner_user):
    """2 MB (over the API's 1 MB) is still a page upload the form judges."""
    client.force_login(partner_user)
    response = client.post(
        reverse("partners:mine"),
        {"upload": "1", "kind": "not-a-kind", "file": _pdf(2 * MB)},
    )
    assert response.status_code == 200
    assert "kind" in response.context["upload_form"].errors


def test_a_body_with_no_declared_length_is_left_to_the_parsers(rf):
    """Django reads at most Content-Length; without one there is no body."""
    request = rf.post("/api/v1/bookings/", data=b"{}", content_type="application/json")
    del request.META["CONTENT_LENGTH"]
    assert RequestSizeLimitMiddleware(lambda r: "passed")(request) == "passed"


# What no view can use: a NUL in the address, a page asked with PUT or DELETE


def test_a_nul_in_the_address_or_query_is_a_400_not_a_database_error(
    client, admin_user
):
    """PostgreSQL cannot compare a NUL: a Stripe event's text id in the admin
    was a 500 (found by the live fuzz)."""
    client.force_login(admin_user)
    for address in (
        "/admin/payments/stripeevent/%00/change/",
        "/admin/payments/stripeevent/?id__exact=%00",
        "/activities/?q=a%00b",
    ):
        response = client.get(address)
        assert response.status_code == 400, address
        assert b"We could not read that request" in response.content


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "BREW"])
def test_a_page_asked_with_another_method_is_405_naming_what_it_takes(client, method):
    response = client.generic(method, reverse("portal:contact"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert b"This page cannot do that" in response.content


def test_the_api_still_answers_its_own_405(client, partner_user):
    """Under /api/ each view names its methods; DRF's 405 is the JSON error."""
    client.force_login(partner_user)
    response = client.delete("/api/v1/activities/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
