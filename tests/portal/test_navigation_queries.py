"""What the navigation costs a family on every page: the reports link's rule
asks whether the person administers a trust (a query of its own); the answer
is kept in the cache for the sign-in for NAV_REMEMBER_SECONDS
(portal.context_processors), with no database write."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hub.models import Trust
from portal.context_processors import NAV_REMEMBER_SECONDS
from reports.models import TrustAdministrator
from tests.activities.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

TRUST_TABLE = TrustAdministrator._meta.db_table


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC), tick=False)


def _trust_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if TRUST_TABLE in q["sql"]]


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, queries.captured_queries


@pytest.mark.parametrize("url_name", ["activities:household", "activities:list"])
def test_a_family_page_asks_about_trusts_once_per_sign_in_not_per_page(
    client, django_assert_max_num_queries, url_name
):
    household = HouseholdFactory()
    client.force_login(household.user)
    url = reverse(url_name)
    _, first = _get(client, url)
    assert len(_trust_queries(first)) == 1
    # The next pages: no trust look-up, and one query fewer at least.
    with django_assert_max_num_queries(len(first) - 1):
        _, second = _get(client, url)
    assert _trust_queries(second) == []
    _, third = _get(client, url)
    assert _trust_queries(third) == []
    assert len(third) == len(second)


def test_a_new_trust_administrator_sees_reports_within_five_minutes(
    client, time_machine
):
    household = HouseholdFactory()
    user = household.user
    client.force_login(user)
    reports = reverse("reports:list")
    page, _ = _get(client, reverse("activities:list"))
    assert reports not in page.content.decode()
    trust = Trust.objects.create(name="North Leeds Trust", slug="north-leeds")
    TrustAdministrator.objects.create(user=user, trust=trust)
    page, _ = _get(client, reverse("activities:list"))
    assert reports not in page.content.decode()  # remembered a little while
    time_machine.shift(dt.timedelta(seconds=NAV_REMEMBER_SECONDS))
    page, queries = _get(client, reverse("activities:list"))
    assert reports in page.content.decode()
    assert len(_trust_queries(queries)) == 1


def test_another_person_signing_in_is_asked_afresh(client, manager):
    household = HouseholdFactory()
    client.force_login(household.user)
    _get(client, reverse("activities:list"))
    client.force_login(manager)  # the same browser, someone else
    page, _ = _get(client, reverse("activities:list"))
    assert reverse("reports:list") in page.content.decode()
