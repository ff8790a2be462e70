"""On launch day a slow answer tempts a family to press "Sign up" again. The
page sends the form once (hub.js): one request reaches the server, one place
is taken, and the family lands on its confirmation, not on "already signed
up"."""

import datetime as dt
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from activities import services
from activities.models import Household, HouseholdMember, SignUp
from hub.demo import DEMO_PASSWORD
from tests.activities.factories import approved_booking, make_activity
from tests.browser.conftest import sign_in


@pytest.fixture
def family_and_activity(transactional_db):
    user = get_user_model().objects.create_user(
        "dana", "dana@example.org", DEMO_PASSWORD
    )
    household = Household.objects.create(
        user=user, name="Dana's family", email=user.email, reference="DANA0001"
    )
    HouseholdMember.objects.create(household=household, kind="carer", first_name="Dana")
    starts = timezone.localtime(timezone.now() + dt.timedelta(days=7)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    activity = make_activity(booking=approved_booking(starts=starts), capacity=5)
    return household, activity


@pytest.fixture
def slow_server(monkeypatch):
    """The live server takes a second and a half over each sign-up."""
    real = services.signup_create

    def slow(**kwargs):
        time.sleep(1.5)
        return real(**kwargs)

    monkeypatch.setattr(services, "signup_create", slow)


def test_pressing_sign_up_twice_sends_one_sign_up(
    page, family_and_activity, slow_server
):
    household, activity = family_and_activity
    sign_in(page, household.user.username)
    page.goto(f"/activities/{activity.pk}/")
    page.get_by_label(re.compile(r"^Dana \(")).check()
    posts = []
    page.on(
        "request",
        lambda request: (
            posts.append(request.url)
            if request.method == "POST" and f"/activities/{activity.pk}/" in request.url
            else None
        ),
    )
    # Press the button, then again 0.4 s later while the answer is still
    # coming (a script, because Playwright's own click would wait for the page).
    page.evaluate(
        """() => {
          const button = [...document.querySelectorAll("main button")].find(
            (b) => /^(Sign up|Join the waitlist)$/.test(b.textContent.trim()));
          button.click();
          setTimeout(() => button.click(), 400);
        }"""
    )
    page.wait_for_url(re.compile(r"/sign-ups/\d+/"))
    page.get_by_role("heading", level=1).wait_for()
    assert len(posts) == 1, posts
    assert SignUp.objects.filter(household=household, activity=activity).count() == 1
    assert "already signed up" not in page.locator("main").inner_text()
