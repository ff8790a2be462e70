"""A platform admin prepares a large report's file (every school): the
progress page (a labelled progress bar, the step in a polite live region)
passes axe while the file waits and once it is ready, updates itself when the
file is made, and the download link is reachable with the keyboard."""

import io

import pytest
from django.core.management import call_command

from reports import background
from reports.models import ReportExport
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_progress_page(browser, live_server, demo, viewport, monkeypatch):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "admin")

    # The button on a large report: made at once here (Celery is eager).
    page.goto("/reports/all/")
    page.get_by_role("button", name="Prepare a CSV file").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your report file").is_visible()
    assert page.get_by_role("status").inner_text() == "Ready to download."
    assert page.get_by_role("progressbar", name="How far it has got").is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file").click()
    assert download.value.suggested_filename.startswith("impact-report-all-schools")

    # A file still waiting (its task not queued yet): the page says so, then
    # updates itself when the file is made.
    admin = ReportExport.objects.latest("pk").requested_by
    monkeypatch.setattr(background, "_queue", lambda export_id: None)
    waiting = background.export_request(
        user=admin, kind="termly", fmt="xlsx", scope_key="all", params={}
    )
    page.goto(f"/reports/files/{waiting.pk}/")
    assert page.get_by_role("status").inner_text() == "0% done: Waiting to start."
    assert not page.get_by_role("link", name="Download the file").is_visible()
    assert page.get_by_role("link", name="Check again").is_visible()
    assert_accessible(page)
    background.export_make(waiting.pk)
    link = page.get_by_role("link", name="Download the file")
    link.wait_for(state="visible")
    assert page.get_by_role("status").inner_text() == "Ready to download."
    assert page.get_by_role("progressbar").get_attribute("value") == "100"
    link.focus()
    assert page.evaluate("document.activeElement.textContent").startswith(
        "Download the file"
    )
    assert_accessible(page)
    context.close()
