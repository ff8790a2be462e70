"""The page shell works with a keyboard and passes axe on desktop and phone."""

from tests.browser.conftest import assert_accessible


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
