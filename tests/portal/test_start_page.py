"""The start page everyone lands on after signing in: a section for each role
the person holds, showing what they need next, in a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import SignUp
from bookings.models import Booking
from tests.activities.factories import (
    approved_booking,
    family,
    london,
    make_activity,
    sign_up,
)
from tests.factories import (
    ComplianceDocumentFactory,
    RoomFactory,
    StaffRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
START = reverse("portal:start")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    # Tuesday 13 October 2026, 09:00 in London: the factories' first session
    # is at 18:00 that evening.
    time_machine.move_to(london(2026, 10, 13, 9, 0), tick=False)


def _sections(client, user) -> str:
    client.force_login(user)
    response = client.get(START)
    assert response.status_code == 200
    return response.content.decode()


def test_signing_in_lands_on_the_start_page(client):
    UserFactory(username="dana", password="a long pass phrase 42")
    response = client.post(
        reverse("login"), {"username": "dana", "password": "a long pass phrase 42"}
    )
    assert response.status_code == 302
    assert response.url == START


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(START)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_someone_with_no_role_is_pointed_to_activities(client, outsider):
    html = _sections(client, outsider)
    assert "Find family activities" in html
    assert "<h2" not in html


def test_manager_sees_waiting_requests_tonights_lettings_and_documents(
    client, manager, room, partner
):
    approved_booking(room=room, partner=partner, title="Youth club")
    approved_booking(
        room=room,
        partner=partner,
        title="Chess club",
        starts=london(2026, 10, 14, 18),
        status=Booking.Status.PENDING,
    )
    ComplianceDocumentFactory(
        partner=partner, expires_on=dt.date(2026, 10, 20), kind="insurance"
    )
    html = _sections(client, manager)
    assert "Your schools" in html
    assert "Chess club" in html  # waiting for a decision
    assert "18:00 to 20:00: Family Action Leeds, Main hall" in html  # today
    assert "Documents expiring" in html and "Family Action Leeds" in html


def test_caretaker_sees_only_their_sites_lettings_today(client, site, room, partner):
    caretaker = StaffRoleFactory(site=site, role="site_staff").user
    approved_booking(room=room, partner=partner)
    elsewhere = RoomFactory(name="Other hall")
    approved_booking(room=elsewhere, partner=partner, title="Elsewhere")
    html = _sections(client, caretaker)
    assert "Open the lettings sheet" in html
    assert "18:00 to 20:00: Family Action Leeds, Main hall" in html
    assert "Other hall" not in html


def test_partner_sees_their_sessions_and_requests_not_other_partners(
    client, partner, partner_user, other_partner, room
):
    make_activity(booking=approved_booking(room=room, partner=partner))
    elsewhere = RoomFactory(site=room.site, name="Small hall")  # same evening
    make_activity(
        booking=approved_booking(room=elsewhere, partner=other_partner, title="Theirs"),
        title="Not ours",
    )
    approved_booking(
        room=room,
        partner=partner,
        title="Homework club",
        starts=london(2026, 11, 3, 16),
        status=Booking.Status.PENDING,
    )
    html = _sections(client, partner_user)
    assert "Sessions in the next 14 days" in html
    assert "Tuesday 13 October, 18:00" in html and "Cook and eat" in html
    assert "Not ours" not in html
    assert "Homework club" in html


def test_family_sees_their_coming_sessions_and_activities_near_them(client):
    household, members = family(children=2, postcode="LS6 1AA")  # the site's LS6
    booked = make_activity(title="Cook and eat")
    sign_up(booked, household, members[1:2])
    room = booked.booking.room
    make_activity(
        booking=approved_booking(room=room, starts=london(2026, 10, 15, 10)),
        title="Story time",
    )
    html = _sections(client, household.user)
    coming = html[html.index("Coming up") : html.index("Activities near you")]
    assert "Tuesday 13 October, 18:00" in coming and "Cook and eat" in coming
    near = html[html.index("Activities near you") :]
    assert "Story time" in near and "Cook and eat" not in near
    assert "(LS6)" in near


def test_link_worker_sees_their_referrals_with_outcomes(client, link_worker):
    household, _ = family(name="The Ahmed family")
    activity = make_activity()
    from activities.models import Referral

    Referral.objects.create(
        referred_by=link_worker, household=household, activity=activity
    )
    html = _sections(client, link_worker)
    assert "Your referrals" in html
    assert "The Ahmed family" in html and "Sessions attended" in html


def test_the_start_page_costs_the_same_queries_with_more_data(
    client, manager, room, partner, django_assert_max_num_queries
):
    made = []

    def queries_for(n):
        for _ in range(n):  # an hour apart: one room is never double-booked
            i = len(made)
            made.append(
                approved_booking(
                    room=room,
                    partner=partner,
                    title=f"Club {i}",
                    starts=london(2026, 10, 13, 6 + 2 * i),
                    hours=1,
                    status=Booking.Status.PENDING if i % 2 else Booking.Status.APPROVED,
                )
            )
        client.force_login(manager)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(START).status_code == 200
        return len(ctx)

    few = queries_for(1)
    many = queries_for(7)
    assert many == few


def _invoice(partner, site, status, number, balance, due):
    from payments.models import Invoice

    return Invoice.objects.create(
        partner=partner,
        site=site,
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 9, 30),
        status=status,
        subtotal_pence=balance,
        total_pence=balance,
        number=number,
        series=number.split("-")[0],
        sequence=int(number.split("-")[1]),
        issued_on=dt.date(2026, 10, 1),
        due_on=due,
    )


def test_manager_and_partner_see_invoices_still_to_be_paid(
    client, manager, partner, partner_user, other_partner, site
):
    from payments.models import Invoice

    _invoice(partner, site, Invoice.Status.OVERDUE, "HS-1", 12000, dt.date(2026, 10, 1))
    _invoice(other_partner, site, Invoice.Status.PAID, "HS-2", 0, dt.date(2026, 10, 31))
    html = _sections(client, manager)
    assert "1 invoice not paid in full." in html
    assert "HS-1</a>: £120.00 <strong>overdue</strong> since 1 October 2026" in html
    assert "HS-2" not in html
    client.logout()
    html = _sections(client, partner_user)
    assert "Invoices to pay" in html and "HS-1" in html


def test_a_family_with_a_held_place_is_sent_to_pay_for_it(client, settings):
    settings.USE_STRIPE = True  # card payments on: a paid place is held
    settings.PAYMENT_HOLD_MINUTES = 15  # from 09:00
    household, members = family(children=1)
    activity = make_activity(title="Holiday club", price_pence=500)
    held = sign_up(activity, household, members).signup
    assert held.status == SignUp.Status.AWAITING_PAYMENT
    html = _sections(client, household.user)
    assert "held for you until 09:15" in html
    assert f'href="/payments/checkout/{held.pk}/"' in html
