"""The page shell works with a keyboard and passes axe on desktop and phone."""

import pytest

from hub.models import StaffRole
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import StaffRoleFactory


@pytest.fixture
def demo_manager(db):
    """A business manager: the role with the most navigation links."""
    role = StaffRoleFactory(role=StaffRole.Role.BUSINESS_MANAGER)
    role.user.set_password("a long pass phrase 42")
    role.user.save()
    return role.user


def test_skip_link_is_first_and_moves_focus_to_main(page, db):
    page.goto("/")
    assert_accessible(page)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_home_page_fits_a_phone_screen(phone_page, db):
    phone_page.goto("/")
    assert_accessible(phone_page)
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not overflow, "the page scrolls sideways on a phone"


def test_a_managers_navigation_fits_one_row_beside_sign_out_at_desktop_width(
    browser, live_server, demo_manager
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    sign_in(page, demo_manager.username, "a long pass phrase 42")
    items = page.locator("#main-nav > li")
    assert items.count() >= 6  # dashboard, requests, reviews, income, reports...
    tops = {round(box["y"]) for box in (li.bounding_box() for li in items.all())}
    assert len(tops) == 1, "the navigation wraps onto a second line"
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    context.close()


def test_on_a_phone_the_menu_button_opens_and_closes_the_navigation(
    phone_page, demo_manager
):
    page = phone_page
    sign_in(page, demo_manager.username, "a long pass phrase 42")
    menu = page.get_by_role("button", name="Menu")
    dashboard = page.locator("#main-nav").get_by_role("link", name="Dashboard")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not dashboard.is_visible()
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert dashboard.is_visible()
    assert_accessible(page)
    page.keyboard.press("Enter")
    assert not dashboard.is_visible()
