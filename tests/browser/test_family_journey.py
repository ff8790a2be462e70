"""Issue 4's journey on a phone-sized screen: a demo family finds an activity,
signs up a carer and a child, sees the sign-up on their family page and cancels
it. Every page gets an axe scan and must not scroll sideways."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from activities.models import Activity, Household, HouseholdMember, SignUp
from tests.activities.factories import sign_up
from tests.browser.conftest import assert_accessible, sign_in

LIVE = [SignUp.Status.CONFIRMED, SignUp.Status.WAITLISTED]


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _assert_fits_phone(page) -> None:
    assert_accessible(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not overflow, f"{page.url} scrolls sideways on a phone"


@pytest.fixture
def family_and_activity(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    activity = Activity.objects.get(title="Cook and eat together")
    first = activity.sessions.order_by("slot__starts_at").first().slot.starts_at.date()
    for household in Household.objects.filter(user__isnull=False).order_by("pk"):
        if SignUp.objects.filter(
            household=household, activity=activity, status__in=LIVE
        ):
            continue
        children = [
            m
            for m in household.members.filter(kind=HouseholdMember.Kind.CHILD)
            if m.date_of_birth
            and activity.min_age <= _age_on(m.date_of_birth, first) <= activity.max_age
        ]
        carer = household.members.filter(kind=HouseholdMember.Kind.CARER).first()
        if children and carer:
            return household, activity, carer, children[0]
    pytest.fail("the demo has no family free to sign up to the cooking club")


def test_family_finds_signs_up_and_cancels_on_a_phone(phone_page, family_and_activity):
    household, activity, carer, child = family_and_activity
    page = phone_page
    sign_in(page, household.user.username)

    page.goto("/activities/")
    _assert_fits_phone(page)
    page.get_by_role("link", name=activity.title).first.click()
    page.wait_for_load_state()
    _assert_fits_phone(page)
    assert "Sign up" in page.locator("main").inner_text()

    page.get_by_label(re.compile(rf"^{carer.first_name} \(")).check()
    page.get_by_label(re.compile(rf"^{child.first_name} \(child")).check()
    page.get_by_role("button", name=re.compile("^(Sign up|Join the waitlist)$")).click()
    page.wait_for_load_state()
    _assert_fits_phone(page)

    signup = SignUp.objects.get(household=household, activity=activity, status__in=LIVE)
    assert set(signup.members.all()) == {carer, child}
    message = page.locator("main").inner_text()
    if signup.status == SignUp.Status.WAITLISTED:
        assert "waitlist" in message.lower()
    else:
        assert activity.title in message

    page.goto("/activities/household/")
    _assert_fits_phone(page)
    page.get_by_role(
        "link",
        name=re.compile(rf"^Cancel\s*the sign-up to {re.escape(activity.title)}"),
    ).click()
    page.wait_for_load_state()
    _assert_fits_phone(page)
    page.get_by_role("button", name="Cancel everyone's places").click()
    page.wait_for_load_state()
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CANCELLED
    assert "cancel" in page.locator("main").inner_text().lower()
    _assert_fits_phone(page)


def _tab_to(page, locator, limit: int = 200) -> None:
    """Press Tab until `locator` has the focus (keyboard only)."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => el === document.activeElement", target):
            return
    raise AssertionError(f"Tab never reached {locator}")


@pytest.mark.parametrize("screen", ["page", "phone_page"])
def test_keyboard_only_two_children_then_cancel_one(
    request, screen, family_and_activity
):
    """Issue 13 point 9: a family signs up two children with the keyboard,
    sees the confirmation page, cancels one child after a confirmation page,
    and the other stays signed up; axe and no sideways scrolling on each page,
    on a desktop and at 375 px."""
    household, activity, _, child = family_and_activity
    twin = HouseholdMember.objects.create(
        household=household,
        kind=HouseholdMember.Kind.CHILD,
        first_name="Robin",
        date_of_birth=child.date_of_birth,
    )
    page = request.getfixturevalue(screen)
    sign_in(page, household.user.username)
    page.goto(f"/activities/{activity.pk}/")
    _assert_fits_phone(page)

    for person in (child, twin):
        box = page.get_by_label(re.compile(rf"^{person.first_name} \(child"))
        _tab_to(page, box)
        page.keyboard.press("Space")
        assert box.is_checked()
    _tab_to(
        page,
        page.get_by_role("button", name=re.compile("^(Sign up|Join the waitlist)$")),
    )
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/activities/sign-ups/\d+/$"))
    _assert_fits_phone(page)

    signup = SignUp.objects.get(household=household, activity=activity, status__in=LIVE)
    assert set(signup.members.all()) == {child, twin}
    main = page.locator("main").inner_text()
    assert activity.title in main and "What to bring" in main
    assert child.first_name in main and "Robin" in main
    if signup.status == SignUp.Status.CONFIRMED:
        assert page.get_by_role("link", name=re.compile("^Add to calendar")).count()

    _tab_to(page, page.get_by_role("link", name=re.compile("^Cancel this sign-up")))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cancel/$"))
    _assert_fits_phone(page)
    button = page.get_by_role("button", name=f"Cancel {child.first_name}'s place only")
    _tab_to(page, button)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/activities/household/$"))
    _assert_fits_phone(page)

    assert (
        f"{child.first_name} is no longer signed up"
        in page.locator("main").inner_text()
    )
    signup.refresh_from_db()
    assert signup.status in LIVE and list(signup.members.all()) == [twin]


def test_link_worker_finds_a_family_who_agreed_on_a_phone(
    phone_page, family_and_activity
):
    """Issue 13 point 5: the link worker's search at 375 px (axe, no sideways
    scrolling) finds a family who agreed to be found, and Refer fills in its
    reference; a family who did not agree is not listed."""
    household, _, _, _ = family_and_activity
    Household.objects.filter(pk=household.pk).update(findable=True)
    hidden = Household.objects.exclude(pk=household.pk).filter(findable=False).first()
    page = phone_page
    sign_in(page, "linkworker")
    page.goto("/activities/referrals/")
    _assert_fits_phone(page)
    page.get_by_label("Family name, postcode or child's school").fill(household.name)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q="))
    _assert_fits_phone(page)
    table = page.get_by_role("table").first.inner_text()
    assert household.name in table
    if hidden and hidden.name != household.name:
        assert hidden.name not in table
    page.get_by_role("link", name=f"Refer {household.name}").click()
    page.wait_for_url(re.compile(r"\?household="))
    _assert_fits_phone(page)
    assert page.get_by_label("Family's reference").input_value() == household.reference


@pytest.mark.parametrize("screen", ["page", "phone_page"])
def test_family_is_not_coming_on_one_date_then_comes_after_all(
    request, screen, family_and_activity
):
    """Issue 13 point 4: from the sign-up's page a family says it is not
    coming on one date of the series, is asked first, sees the date marked
    "Not coming" on its pages (the place on the other dates stays), and undoes
    it; axe and no sideways scrolling on every page, desktop and 375 px."""
    household, activity, carer, child = family_and_activity
    Activity.objects.filter(pk=activity.pk).update(capacity=activity.capacity + 20)
    signup = sign_up(activity, household, [carer, child]).signup
    assert signup.status == SignUp.Status.CONFIRMED
    page = request.getfixturevalue(screen)
    sign_in(page, household.user.username)
    page.goto(f"/activities/sign-ups/{signup.pk}/")
    _assert_fits_phone(page)

    page.get_by_role("link", name=re.compile("^Not coming on this date")).first.click()
    page.wait_for_url(re.compile(r"/dates/\d+/cancel/$"))
    _assert_fits_phone(page)
    assert "Not coming to" in page.locator("h1").inner_text()
    page.get_by_label("Why are you not coming? (optional)").fill("Visiting family")
    page.get_by_role("button", name=re.compile("^Yes, we are not coming on")).click()
    page.wait_for_url(re.compile(r"/activities/sign-ups/\d+/$"))
    _assert_fits_phone(page)
    main = page.locator("main").inner_text()
    assert "Your place on the other dates stays yours" in main
    assert "Not coming" in main
    [cancelled] = signup.cancelled_dates.all()
    assert cancelled.reason == "Visiting family"
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CONFIRMED

    page.goto("/activities/household/")
    _assert_fits_phone(page)
    assert "Not coming on:" in page.locator("main").inner_text()

    page.goto(f"/activities/sign-ups/{signup.pk}/")
    page.get_by_role("button", name=re.compile("^We are coming after all")).click()
    page.wait_for_url(re.compile(r"/activities/sign-ups/\d+/$"))
    _assert_fits_phone(page)
    assert "after all" in page.locator("main").inner_text()
    assert not signup.cancelled_dates.exists()


def test_family_adds_someone_who_may_collect_on_a_phone(
    phone_page, family_and_activity
):
    """Issue 9: the family lists an adult who may collect its children (the
    form says what is missing first), changes nothing by opening Remove, and
    removes them after confirming; axe and no sideways scrolling."""
    household, _, _, _ = family_and_activity
    household.collectors.all().delete()
    page = phone_page
    sign_in(page, household.user.username)
    page.goto("/activities/household/")
    _assert_fits_phone(page)
    page.get_by_role("link", name="Add someone who may collect").click()
    page.wait_for_url(re.compile(r"/collectors/new/$"))
    _assert_fits_phone(page)
    page.get_by_label("Full name").fill("Rita Khan")
    page.get_by_role("button", name="Save").click()
    _assert_fits_phone(page)
    summary = page.locator(".error-summary").inner_text()
    assert "Enter who they are to your children" in summary
    assert "Enter a phone number for them" in summary
    page.get_by_label("Who they are to your children").fill("grandmother")
    page.get_by_label("Phone number").fill("07700 900456")
    page.get_by_label("Password (optional)").fill("bluebell")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/activities/household/$"))
    _assert_fits_phone(page)
    main = page.locator("main").inner_text()
    assert "Rita Khan" in main and "Password set" in main and "bluebell" not in main
    assert household.collectors.get().phone == "07700 900456"

    page.get_by_role("link", name="Remove Rita Khan").click()
    page.wait_for_url(re.compile(r"/remove/$"))
    _assert_fits_phone(page)
    assert household.collectors.exists()
    page.get_by_role("button", name="Yes, remove Rita Khan").click()
    page.wait_for_url(re.compile(r"/activities/household/$"))
    assert not household.collectors.exists()
