"""Report pages and downloads: who sees which report, what the page shows,
downloads equal to the page, no names, bad choices explained."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Household, HouseholdMember
from reports.suppression import HIDDEN_TEXT

AUTUMN = {"starts_on": "2026-09-01", "ends_on": "2026-12-31"}


def _login(client, user):
    client.force_login(user)


def _keys(w):
    return {
        "all": "all",
        "trust": f"trust-{w.trust.pk}",
        "site_a": f"site-{w.site_a.pk}",
        "site_b": f"site-{w.site_b.pk}",
        "site_c": f"site-{w.site_c.pk}",
        "p1": f"partner-{w.p1.pk}",
        "p2": f"partner-{w.p2.pk}",
        "referrals": "referrals",
    }


# Which reports each reader may open (every other one is a 404).
MATRIX = {
    "admin": {"all", "trust", "site_a", "site_b", "site_c", "p1", "p2", "referrals"},
    "trust_admin": {"trust", "site_a", "site_b"},
    "manager_a": {"site_a"},
    "caretaker_a": set(),
    "link_worker": {"referrals"},
    "p1_user": {"p1"},
    "p2_user": {"p2"},
    "outsider": set(),
}


def test_permission_matrix(client, world):
    keys = _keys(world)
    for reader, allowed in MATRIX.items():
        client.logout()
        _login(client, getattr(world, reader))
        for name, key in keys.items():
            for url_name in ("reports:impact", "reports:termly"):
                status = client.get(reverse(url_name, args=[key]), AUTUMN).status_code
                assert status == (200 if name in allowed else 404), (
                    reader,
                    name,
                    url_name,
                )
            download = reverse("reports:impact-download", args=[key, "csv"])
            status = client.get(download, AUTUMN).status_code
            assert status == (200 if name in allowed else 404), (reader, name, "csv")
        listing = client.get(reverse("reports:list")).status_code
        assert listing == (200 if allowed else 404), reader


def test_anonymous_readers_are_sent_to_sign_in(client, world):
    response = client.get(reverse("reports:impact", args=["all"]))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]


def test_the_list_offers_each_readers_reports(client, world):
    _login(client, world.trust_admin)
    body = client.get(reverse("reports:list")).content.decode()
    assert "Impact report: North Leeds Trust" in body
    assert "Cedar Academy" not in body


def test_navigation_links_reports_for_readers_only(client, world):
    _login(client, world.manager_a)
    assert reverse("reports:list") in client.get(reverse("hub:home")).content.decode()
    client.logout()
    _login(client, world.outsider)
    assert (
        reverse("reports:list") not in client.get(reverse("hub:home")).content.decode()
    )


def test_a_partner_report_covers_only_its_own_activities(client, world):
    _login(client, world.p1_user)
    url = reverse("reports:impact", args=[f"partner-{world.p1.pk}"])
    body = client.get(url, {**AUTUMN, "by": "partner"}).content.decode()
    assert "Family Action" in body
    assert "Food Club" not in body
    termly = client.get(
        reverse("reports:termly", args=[f"partner-{world.p1.pk}"]), AUTUMN
    )
    titles = [row.label for row in termly.context["table"].rows]
    assert titles and all("Family Action" in t for t in titles)


def _all_figures_rows(body: str) -> list[list[str]]:
    """The 'All figures' table of the page as text rows (header first)."""
    table = body[body.index('id="all-figures"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


@pytest.mark.parametrize("by", ["site", "area"])
def test_csv_and_xlsx_hold_what_the_page_shows(client, world, by, download):
    _login(client, world.admin)
    query = {**AUTUMN, "by": by}
    page = client.get(reverse("reports:impact", args=["all"]), query)
    shown = _all_figures_rows(page.content.decode())
    shown = [[cell.replace("&amp;", "&") for cell in row] for row in shown]
    csv_body = download(reverse("reports:impact-download", args=["all", "csv"]), query)
    assert csv_body["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_body.content.decode("utf-8-sig"))))
    assert rows[2:] == shown
    assert HIDDEN_TEXT in {cell for row in rows for cell in row}
    xlsx = download(reverse("reports:impact-download", args=["all", "xlsx"]), query)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert [row[0] for row in cells] == [row[0] for row in shown]
    table = page.context["table"]
    for sheet_row, row in zip(cells[1:], [*table.rows, table.total], strict=True):
        for value, cell in zip(sheet_row[1:], row.cells.values(), strict=True):
            if cell.value is None:
                assert value == cell.text
            else:
                assert value is not None


def test_no_report_names_a_person(client, world):
    names = set(Household.objects.values_list("name", flat=True))
    names |= set(HouseholdMember.objects.values_list("first_name", flat=True))
    names |= {u.username for u in (world.link_worker, world.p1_user)}
    _login(client, world.admin)
    bodies = []
    for by in ("site", "partner", "category", "area"):
        query = {**AUTUMN, "by": by}
        bodies.append(
            client.get(reverse("reports:impact", args=["all"]), query).content
        )
        download = reverse("reports:impact-download", args=["all", "csv"])
        bodies.append(client.get(download, query).content)
    bodies.append(
        client.get(
            reverse("reports:termly-download", args=["all", "csv"]), AUTUMN
        ).content
    )
    text = b"\n".join(bodies).decode("utf-8", "replace")
    found = [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)]
    assert found == []


def test_bad_choices_are_explained_on_the_page(client, world):
    _login(client, world.admin)
    url = reverse("reports:impact", args=["all"])
    reversed_range = client.get(
        url, {"starts_on": "2026-12-01", "ends_on": "2026-09-01"}
    )
    assert (
        "The last day must be the same as or after the first day"
        in reversed_range.content.decode()
    )
    assert "table" not in reversed_range.context
    too_long = client.get(url, {"starts_on": "2020-01-01", "ends_on": "2026-01-01"})
    assert "at most three years" in too_long.content.decode()
    both = client.get(url, {"year": "2026", **AUTUMN})
    assert "Choose one period" in both.content.decode()
    download = client.get(
        reverse("reports:impact-download", args=["all", "csv"]),
        {"starts_on": "2026-12-01", "ends_on": "2026-09-01"},
    )
    assert download.status_code == 302


def test_a_term_or_school_year_can_be_chosen(client, world):
    from tests.factories import TermFactory

    term = TermFactory(site=world.site_a)
    _login(client, world.admin)
    url = reverse("reports:impact", args=["all"])
    by_term = client.get(url, {"term": term.pk})
    assert by_term.context["period"].starts_on == term.starts_on
    by_year = client.get(url, {"year": "2026"})
    assert by_year.context["period"].label == "School year 2026 to 2027"


def test_report_pages_are_not_cached(client, world):
    _login(client, world.manager_a)
    response = client.get(reverse("reports:impact", args=[f"site-{world.site_a.pk}"]))
    assert response["Cache-Control"] == "no-store, private"
