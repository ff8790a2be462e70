"""Issue 2's journey: the demo business manager signs in, opens the dashboard,
reviews the waiting partner application with its documents, and approves it."""

import io

import pytest
from django.core.management import call_command

from partners.models import Partner
from tests.browser.conftest import assert_accessible, sign_in


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    return Partner.objects.get(status=Partner.Status.APPLIED)


def test_manager_reviews_and_approves_a_partner_application(page, demo):
    applicant = demo
    sign_in(page, "manager1")
    page.goto("/dashboard/")
    assert_accessible(page)
    page.get_by_role("link", name=applicant.name).first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "Compliance documents" in page.locator("main").inner_text()

    page.goto("/partners/review/")
    assert_accessible(page)
    page.get_by_label("Show").select_option("applied")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name=applicant.name).click()
    page.wait_for_load_state()

    page.get_by_label("Reason").fill("Insurance and safeguarding policy checked.")
    page.get_by_role("button", name=f"Approve {applicant.name}").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "is now approved" in page.locator("main").inner_text()
    applicant.refresh_from_db()
    assert applicant.status == Partner.Status.APPROVED
    assert applicant.status_decided_by.username == "manager1"

    page.goto("/partners/")
    assert applicant.name in page.locator("main").inner_text()
