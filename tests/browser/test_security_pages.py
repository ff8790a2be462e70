"""The security policy page and the "too large to send" page (413), at desktop
and phone width: no WCAG 2.2 A or AA axe violation, no sideways scrolling."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hub.request_limits import page_max_body_bytes
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _too_large_page() -> str:
    big = SimpleUploadedFile("big.pdf", b"x" * page_max_body_bytes())
    response = Client().post("/partners/apply/", {"file": big})
    assert response.status_code == 413
    return response.content.decode()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_security_pages_are_accessible(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    assert page.goto("/security/").status == 200
    assert_accessible(page)
    assert not _scrolls_sideways(page)
    # The 413 page as a browser gets it, shown at the site's address so its
    # styles load (a real 12 MB upload in a browser test would be slow).
    page.set_content(_too_large_page())
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="That was too large to send").is_visible()
    assert_accessible(page)
    assert not _scrolls_sideways(page)
    context.close()


def _scrolls_sideways(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
