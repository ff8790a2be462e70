"""The reports API shows the same suppressed table as the page; every report
costs a fixed number of queries however many rows it counts."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.reports.world import extra_household_attending

AUTUMN = {"starts_on": "2026-09-01", "ends_on": "2026-12-31"}
# Measured: the same with 25 more households as without. The figures take
# 13 (sessions, 2 places taken, 2 attendance, walk-ins, 2 repeat, referrals,
# slots, rooms open, opening hours, closures); the rest is the session, the
# reader's roles, the scope, the menu's terms and the navigation.
PAGE_QUERIES = 22
API_QUERIES = 14
TERMLY_QUERIES = 12


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.admin)
    return client


def test_the_api_shows_what_the_page_shows(client, api, world):
    client.force_login(world.admin)
    for by in ("site", "area"):
        query = {**AUTUMN, "by": by}
        page = client.get(reverse("reports:impact", args=["all"]), query)
        data = api.get("/api/v1/reports/all/impact/", query).json()
        table = page.context["table"]
        assert [r["label"] for r in data["rows"]] == [r.label for r in table.rows]
        for json_row, row in zip(data["rows"], table.rows, strict=True):
            assert {k: c["text"] for k, c in json_row["cells"].items()} == {
                k: c.text for k, c in row.cells.items()
            }
        hidden = [c for r in data["rows"] for c in r["cells"].values() if c["hidden"]]
        assert hidden and all(c["value"] is None for c in hidden)
    units = {c["key"]: c["unit"] for c in data["columns"]}
    assert units["hours_let"] == "minutes" and units["free_value"] == "pence"


def test_the_api_lists_the_readers_reports(world):
    client = APIClient()
    client.force_authenticate(world.trust_admin)
    keys = [s["key"] for s in client.get("/api/v1/reports/").json()["results"]]
    assert keys == [f"trust-{world.trust.pk}"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"starts_on": "2026-12-01", "ends_on": "2026-09-01"}, "ends_on"),
        ({"starts_on": "2020-01-01", "ends_on": "2026-01-01"}, "ends_on"),
        ({"starts_on": "2026-12-01"}, "ends_on"),
        ({"school": "hillside"}, "school"),
        ({"by": "street"}, "by"),
        ({"term": 999999}, "term"),
        ({"term": 1, "year": 2026}, "term"),
    ],
)
def test_bad_choices_are_a_400_naming_the_field(api, query, field):
    response = api.get("/api/v1/reports/all/impact/", query)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_report_the_caller_may_not_see_is_a_404(world):
    client = APIClient()
    client.force_authenticate(world.p1_user)
    for key in (f"partner-{world.p2.pk}", "all", f"site-{world.site_a.pk}", "nonsense"):
        assert client.get(f"/api/v1/reports/{key}/impact/").status_code == 404


@pytest.mark.parametrize("more", [0, 25])
def test_query_counts_do_not_grow_with_the_data(
    client, api, world, more, django_assert_max_num_queries
):
    extra_household_attending(world, more)
    client.force_login(world.admin)
    for by in ("site", "area"):
        query = {**AUTUMN, "by": by}
        with django_assert_max_num_queries(PAGE_QUERIES):
            client.get(reverse("reports:impact", args=["all"]), query)
        with django_assert_max_num_queries(PAGE_QUERIES):
            client.get(reverse("reports:impact-download", args=["all", "xlsx"]), query)
        with django_assert_max_num_queries(API_QUERIES):
            api.get("/api/v1/reports/all/impact/", query)
    with django_assert_max_num_queries(TERMLY_QUERIES):
        client.get(reverse("reports:termly", args=["all"]), AUTUMN)
