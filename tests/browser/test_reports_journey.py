"""A business manager reads the impact report on a phone and on a desktop:
charts with their tables, a different breakdown, an explained bad range, the
termly return; every page passes axe and does not scroll sideways."""

import io
import os

import pytest
from django.core.management import call_command

from hub.models import Site
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    open_nav,
    sign_in,
)

SHOTS = os.environ.get("REPORT_SCREENSHOTS")  # a folder, to look at the pages


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    return Site.objects.get(slug="hillside-primary")


def _no_sideways_scroll(page):
    wide = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not wide, f"{page.url} scrolls sideways"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_manager_reads_the_report(browser, live_server, demo, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "manager1")
    open_nav(page)  # on a phone the menu is folded away behind "Menu"
    page.get_by_role("link", name="Reports").first.click()
    assert_accessible(page)
    page.get_by_role("link", name=f"Impact report: {demo.name}").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Households reached").is_visible()
    assert page.get_by_role("link", name="Download as CSV").is_visible()
    assert_accessible(page)
    _no_sideways_scroll(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/impact-{viewport['width']}.png", full_page=True)

    page.get_by_label("Break down by").select_option("area")
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_load_state()
    assert "by area (postcode district)" in page.locator(".lead").inner_text()

    for label, (day, month, year) in (
        ("First day", ("1", "12", "2026")),
        ("Last day", ("1", "9", "2026")),
    ):
        group = page.get_by_role("group", name=label)
        group.get_by_label("Day", exact=True).fill(day)
        group.get_by_label("Month", exact=True).fill(month)
        group.get_by_label("Year", exact=True).fill(year)
    page.get_by_label("School year").select_option("")
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert (
        "The last day must be the same as or after the first day"
        in summary.inner_text()
    )
    assert_accessible(page)

    page.goto(f"/reports/site-{demo.pk}/termly-return/")
    assert page.get_by_role("link", name="Download the return as CSV").is_visible()
    assert_accessible(page)
    _no_sideways_scroll(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/termly-{viewport['width']}.png", full_page=True)
    context.close()
