"""The manager's dashboard: who may open it, what it shows, and a query count
that stays the same as applications, warnings and booking requests grow."""

import datetime as dt

import pytest
from django.urls import reverse

from bookings.scheduling import Recurrence
from bookings.services import When, booking_request
from partners.models import Partner
from tests.factories import ComplianceDocumentFactory, PartnerFactory, RoomFactory

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("portal:dashboard")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC), tick=False)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["outsider", "partner_user", "link_worker"])
def test_people_who_are_not_managers_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(DASHBOARD).status_code == 403


def test_platform_admin_sees_the_dashboard(client, admin_user):
    client.force_login(admin_user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_expired_document_is_shown_as_expired(client, manager, partner):
    partner.documents.update(expires_on=dt.date(2026, 8, 20))
    client.force_login(manager)
    page = client.get(DASHBOARD).content.decode()
    assert "Public liability insurance expired on 20 August 2026" in page
    assert partner.name in page


def test_document_expiring_after_30_days_is_not_a_warning(client, manager, partner):
    partner.documents.update(expires_on=dt.date(2026, 10, 2))
    client.force_login(manager)
    assert "expires on 2 October 2026" not in client.get(DASHBOARD).content.decode()


def _grow(n: int, room, partner, partner_user) -> None:
    for i in range(n):
        applied = PartnerFactory(status=Partner.Status.APPLIED)
        ComplianceDocumentFactory(
            partner=applied, expires_on=dt.date(2026, 9, 10) + dt.timedelta(days=i)
        )
        booking_request(
            room=RoomFactory(site=room.site),
            partner=partner,
            requested_by=partner_user,
            title=f"Club {n}-{i}",
            when=When(
                first_day=dt.date(2026, 9, 8),
                start=dt.time(18, 0),
                end=dt.time(19, 0),
                recurrence=Recurrence(),
            ),
            expected_attendees=10,
        )


def test_query_count_is_constant_as_the_work_grows(
    client, manager, room, partner, partner_user, django_assert_max_num_queries
):
    client.force_login(manager)
    counts = []
    for n in (2, 6):
        _grow(n, room, partner, partner_user)
        with django_assert_max_num_queries(15) as ctx:
            page = client.get(DASHBOARD).content.decode()
        counts.append(len(ctx.captured_queries))
    assert "8 waiting for your decision." in page
    assert counts[0] == counts[1]
