"""Issue 9's register journey on a phone (375 px wide): the partner running a
session opens its register, sees each child's needs as text, and marks people
with one tap each; the first save fails (the network drops it), the page says
so, retries by itself and the mark is saved. Every page passes axe."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Attendance, AuthorisedCollector
from activities.services import signup_cancel_date
from tests.activities.factories import (
    LONDON,
    approved_booking,
    family,
    make_activity,
    sign_up,
)
from tests.browser.conftest import assert_accessible
from tests.factories import (
    PASSWORD,
    ComplianceDocumentFactory,
    PartnerFactory,
    PartnerMembershipFactory,
    RoomFactory,
    SiteFactory,
)


@pytest.fixture
def session(transactional_db):
    """A session starting in 20 minutes (its register is open) with two
    families booked, one child with a peanut allergy."""
    partner = PartnerFactory(name="Family Action", slug="family-action")
    ComplianceDocumentFactory(partner=partner)
    PartnerMembershipFactory(partner=partner, user__username="runner")
    room = RoomFactory(site=SiteFactory(), name="Hall", slug="hall")
    start = timezone.localtime(timezone.now() + dt.timedelta(minutes=20), LONDON)
    booking = approved_booking(
        room=room,
        partner=partner,
        starts=start.replace(second=0, microsecond=0),
        weeks=1,
    )
    activity = make_activity(booking=booking, capacity=10)
    children = []
    for allergy in ("Peanuts", ""):
        household, members = family(children=1)
        members[1].allergies = allergy
        members[1].save()
        sign_up(activity, household, members)
        children.append(members[1])
    return activity.sessions.get(), children


def test_partner_marks_a_register_on_a_phone_and_a_failed_save_is_retried(
    phone_page, session
):
    session, (first, second) = session
    page = phone_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("runner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    dropped = []

    def drop_the_first_save(route):
        if route.request.method == "PUT" and not dropped:
            dropped.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/v1/sessions/*/register/*/", drop_the_first_save)
    page.goto(f"/activities/sessions/{session.pk}/register/")
    assert_accessible(page)
    main = page.locator("main")
    expect(main).to_contain_text("Peanuts")
    expect(main).to_contain_text("No photos")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.locator(f"label[for=status-{first.pk}-present]").tap()
    status = page.locator(f"#saved-{first.pk}")
    expect(status).to_contain_text("Not saved yet")
    expect(status).to_contain_text("Saved: present", timeout=15_000)
    assert len(dropped) == 1
    assert Attendance.objects.get(member=first).status == "present"

    page.locator(f"label[for=status-{second.pk}-late]").tap()
    expect(page.locator(f"#saved-{second.pk}")).to_contain_text("Saved: late")
    mark = Attendance.objects.get(member=second)
    assert mark.status == "late" and mark.arrived_at is not None
    assert_accessible(page)

    page.reload()  # what was saved is what the register shows
    expect(page.locator(f"#status-{first.pk}-present")).to_be_checked()
    expect(page.locator(f"#status-{second.pk}-late")).to_be_checked()


def test_the_register_shows_who_may_collect_and_who_cancelled_this_date(
    phone_page, session
):
    """Issues 9 and 13: the runner sees who may collect a child (with the
    family's password) and a family that cancelled this one date of its
    series as "Cancelled for this date", with nothing to mark; axe passes."""
    session, (first, _) = session
    AuthorisedCollector.objects.create(
        household=first.household,
        name="Rita Khan",
        relationship="grandmother",
        phone="07700 900456",
        password="bluebell",
    )
    household, members = family(children=1)
    signup = sign_up(session.activity, household, members).signup
    signup_cancel_date(signup=signup, session=session, cancelled_by=household.user)
    away = members[1]
    page = phone_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("runner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"/activities/sessions/{session.pk}/register/")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    row = page.locator(f"#row-{first.pk}")
    expect(row).to_contain_text("Rita Khan (grandmother), 07700 900456")
    expect(row).to_contain_text("Password: bluebell")
    off = page.locator(f"#row-{away.pk}")
    expect(off).to_contain_text("Cancelled for this date")
    expect(off).to_contain_text("do not count as absent")
    assert off.locator("input[type=radio]").count() == 0
    expect(page.locator("#register-counts")).to_contain_text(
        "2 cancelled for this date"
    )
