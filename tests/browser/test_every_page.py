"""Every main page, as the person who uses it, at desktop and phone width: no
serious or critical axe-core violations and no sideways scrolling on a phone."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from activities.models import Activity, Session, SignUp
from bookings.models import Booking
from hub.models import Site
from partners.models import Partner
from payments.models import Invoice
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in


def _pages() -> dict[str, list[str]]:
    site = Site.objects.get(slug="hillside-primary")
    today = timezone.localdate()
    finder_search = (
        "/bookings/find/?weekdays=1&weekdays=3&start_time=18:00&end_time=20:00"
        f"&first_day={today}&last_day={today + dt.timedelta(days=60)}"
    )
    room = site.rooms.order_by("name").first()
    booking = Booking.objects.filter(room__site=site).order_by("pk").first()
    activity = Activity.objects.order_by("pk").first()
    applied = Partner.objects.get(status=Partner.Status.APPLIED)
    # A register with a term of demo history, run by partner1's organisation.
    registers = [
        f"/activities/sessions/{s.pk}/register/"
        for s in Session.objects.filter(
            activity__partner__memberships__user__username="partner1",
            attendances__isnull=False,
        ).distinct()[:1]
    ]
    # Room-hire invoices (payments demo): one partner1 may see, and one at
    # manager1's school with the payment form.
    invoices = Invoice.objects.exclude(status="draft").order_by("pk")
    partner_invoice = [
        f"/payments/invoices/{i.pk}/"
        for i in invoices.filter(partner__memberships__user__username="partner1")[:1]
    ]
    site_invoice = [
        f"/payments/invoices/{i.pk}/"
        for i in invoices.filter(site=site).exclude(status="paid")[:1]
    ]
    # partner1's own impact report (reports app).
    partner_report = [
        f"/reports/partner-{p.pk}/"
        for p in Partner.objects.filter(memberships__user__username="partner1")[:1]
    ]
    # family01's sign-up: its confirmation page and its cancel page (H8).
    own_signup = [
        f"/activities/sign-ups/{s.pk}/{tail}"
        for s in SignUp.objects.filter(
            household__user__username="family01", status__in=["confirmed", "waitlisted"]
        )[:1]
        for tail in ("", "cancel/")
    ]
    return {
        "-": [
            "/",
            "/activities/?q=cook&weekday=2",
            "/sites/",
            f"/sites/{site.slug}/",
            f"/sites/{site.slug}/rooms/{room.slug}/",
            "/partners/",
            "/partners/apply/",
            "/activities/",
            f"/activities/{activity.pk}/",
            "/accounts/login/",
            "/accounts/sign-up/",
            "/accounts/password-reset/",
            "/privacy/",
            "/accessibility/",
            "/contact/",
            "/cookies/",
            "/security/",
        ],
        "manager1": [
            "/start/",
            "/dashboard/",
            "/bookings/queue/",
            f"/bookings/{booking.pk}/",
            f"/bookings/sites/{site.pk}/totals/",
            f"/bookings/sites/{site.pk}/calendar/",
            f"/bookings/sites/{site.pk}/calendar/?view=day",
            f"/bookings/sites/{site.pk}/calendar/?view=month",
            "/partners/review/",
            f"/partners/{applied.slug}/",
            f"/sites/{site.slug}/manage/",
            f"/sites/{site.slug}/manage/hours/",
            f"/sites/{site.slug}/manage/dates/",
            f"/sites/{site.slug}/manage/rooms/new/",
            "/payments/income/",
            f"/payments/sites/{site.pk}/billing/",
            *site_invoice,
            "/reports/",
            f"/reports/site-{site.pk}/",
            f"/reports/site-{site.pk}/termly-return/",
            "/calendars/",
            f"/calendars/sites/{site.slug}/import/",
        ],
        "caretaker1": [
            "/start/",
            f"/bookings/sites/{site.pk}/sheet/",
            f"/bookings/sites/{site.pk}/calendar/",
            "/calendars/",
        ],
        "partner1": [
            "/start/",
            "/partners/mine/",
            "/bookings/",
            "/bookings/request/",
            "/bookings/find/",
            finder_search,
            f"/bookings/sites/{site.pk}/week/",
            "/bookings/totals/",
            "/activities/mine/",
            "/payments/invoices/",
            *partner_invoice,
            *registers,
            *partner_report,
            "/calendars/",
        ],
        "family01": [
            "/start/",
            "/activities/household/",
            "/activities/household/edit/",
            *own_signup,
            "/calendars/",
        ],
        "linkworker": [
            "/start/",
            "/activities/referrals/",
            "/activities/referrals/?q=family",
            "/activities/households/new-for-family/",
            "/reports/referrals/",
        ],
        "trustlead": ["/reports/", f"/reports/trust-{site.trust_id}/?by=area"],
    }


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    return _pages()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_is_accessible(browser, live_server, demo, viewport):
    for user, paths in demo.items():
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        if user != "-":
            sign_in(page, user)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, f"{path} as {user}: {response.status}"
            assert_accessible(page)
            if viewport == PHONE:
                wide = page.evaluate(
                    "document.documentElement.scrollWidth"
                    " > document.documentElement.clientWidth"
                )
                assert not wide, f"{path} as {user} scrolls sideways on a phone"
        context.close()
