"""Report files made in the background (reports/background.py): which reports
go there, the file equal to the one made at once, the progress page and API,
only the person who asked may fetch it (and only while they may read the
scope), every change of state audited, bad input a 400 naming the field."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hub.models import AuditEntry
from reports import background
from reports.models import ReportExport, TrustAdministrator
from reports.periods import period_from
from reports.scopes import scope_get

AUTUMN = {"starts_on": "2026-09-01", "ends_on": "2026-12-31"}
TWO_YEARS = {"starts_on": "2025-01-01", "ends_on": "2026-12-31"}


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Celery is eager in the tests; on-commit callbacks (which queue the
    task) run when the block ends, as they would after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _start(client, run_tasks, key, fmt="csv", query=AUTUMN, kind="impact"):
    url = reverse(f"reports:{kind}-download", args=[key, fmt])
    with run_tasks():
        response = client.post(
            f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
        )
    assert response.status_code == 302, response.content[:300]
    return ReportExport.objects.get(pk=int(response["Location"].split("/")[-2]))


def _sync(user, key, fmt, query, kind="impact", by="site"):
    scope = scope_get(user=user, key=key)
    period = period_from(
        starts_on=_date(query["starts_on"]), ends_on=_date(query["ends_on"])
    )
    return background.report_file(
        kind=kind,
        fmt=fmt,
        scope=scope,
        period=period,
        by=by if kind == "impact" else None,
    )


def _date(text):
    import datetime as dt

    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("key", "query", "large"),
    [
        ("all", AUTUMN, True),
        ("trust", AUTUMN, True),
        ("site_a", AUTUMN, False),
        ("site_a", TWO_YEARS, True),
        ("p1", AUTUMN, False),
    ],
)
def test_which_reports_are_made_in_the_background(client, world, key, query, large):
    scope_key = {
        "all": "all",
        "trust": f"trust-{world.trust.pk}",
        "site_a": f"site-{world.site_a.pk}",
        "p1": f"partner-{world.p1.pk}",
    }[key]
    client.force_login(world.admin)
    page = client.get(reverse("reports:impact", args=[scope_key]), query)
    body = page.content.decode()
    assert ("Prepare a CSV file" in body) is large
    assert ("Download as CSV" in body) is not large
    download = client.get(
        reverse("reports:impact-download", args=[scope_key, "csv"]), query
    )
    if large:  # a page with a button, not the file
        assert download["Content-Type"].startswith("text/html")
        assert "Prepare the CSV file" in download.content.decode()
    else:
        assert download["Content-Type"].startswith("text/csv")
    assert not ReportExport.objects.exists()  # a GET never starts one


@pytest.mark.parametrize("kind", ["impact", "termly"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_file_equals_the_one_made_at_once(client, world, run_tasks, kind, fmt):
    client.force_login(world.admin)
    export = _start(client, run_tasks, "all", fmt, {**AUTUMN, "by": "area"}, kind)
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE
    assert export.percent == 100
    response = client.get(reverse("reports:export-download", args=[export.pk]))
    assert response.status_code == 200
    name, content = _sync(world.admin, "all", fmt, AUTUMN, kind, by="area")
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    if fmt == "csv":
        assert response.content == content
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows[-1][0] == "Total"
    else:  # the workbook's own timestamps differ; every cell is the same
        assert _cells(response.content) == _cells(content)


def _cells(xlsx: bytes):
    sheet = load_workbook(io.BytesIO(xlsx)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_progress_page_shows_how_far_it_has_got(client, world):
    client.force_login(world.admin)
    url = reverse("reports:impact-download", args=["all", "csv"])
    response = client.post(f"{url}?starts_on=2026-09-01&ends_on=2026-12-31")
    export = ReportExport.objects.get()  # queued: on-commit did not run
    assert response["Location"] == reverse("reports:export", args=[export.pk])
    page = client.get(response["Location"]).content.decode()
    assert re.search(r'<progress id="export-progress" max="100" value="0">', page)
    assert '<label for="export-progress">How far it has got</label>' in page
    assert 'role="status" aria-live="polite"' in page
    assert "0% done: Waiting to start." in page
    assert "Check again" in page  # without JavaScript: reload to see
    assert 'id="export-ready" hidden' in page
    ReportExport.objects.filter(pk=export.pk).update(
        status="running", percent=40, step="Counting attendance"
    )
    page = client.get(response["Location"]).content.decode()
    assert 'value="40"' in page and "40% done: Counting attendance." in page
    api = APIClient()
    api.force_authenticate(world.admin)
    data = api.get(f"/api/v1/reports/exports/{export.pk}/").json()
    assert (data["status"], data["percent"], data["step"]) == (
        "running",
        40,
        "Counting attendance",
    )
    assert data["download_url"] is None
    # Not ready: the download address goes back to the progress page.
    early = client.get(reverse("reports:export-download", args=[export.pk]))
    assert early.status_code == 302


def test_the_task_writes_each_step_as_it_goes(world, monkeypatch):
    """What a person polling sees mid-way: the row is updated at each step."""
    from reports import figures

    seen = []
    real = figures._referrals

    def spy(*args, **kwargs):
        seen.append(ReportExport.objects.values_list("percent", "step").get())
        return real(*args, **kwargs)

    monkeypatch.setattr(figures, "_referrals", spy)
    export = background.export_request(
        user=world.admin, kind="impact", fmt="csv", scope_key="all", params=AUTUMN
    )
    assert background.export_make(export.pk) == "done"
    assert seen == [(80, "Counting referrals")]
    assert background.export_make(export.pk) == "skipped"  # delivered twice


def test_every_change_of_state_is_audited(client, world, run_tasks, monkeypatch):
    client.force_login(world.admin)
    export = _start(client, run_tasks, "all")
    actions = list(
        AuditEntry.objects.filter(object_id=export.pk, object_repr__contains="file")
        .order_by("pk")
        .values_list("action", "changes")
    )
    assert actions == [
        ("report_export.requested", {"status": [None, "queued"]}),
        ("report_export.started", {"status": ["queued", "running"]}),
        ("report_export.finished", {"status": ["running", "done"]}),
    ]

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(background, "report_file", broken)
    failed = _start(client, run_tasks, "all")
    failed.refresh_from_db()
    assert failed.status == ReportExport.Status.FAILED
    assert AuditEntry.objects.filter(
        object_id=failed.pk, action="report_export.failed"
    ).exists()
    page = client.get(reverse("reports:export", args=[failed.pk])).content.decode()
    assert "The file could not be made: Something went wrong" in page
    assert "disk full" not in page


def test_only_the_person_who_asked_may_fetch_the_file(client, world, run_tasks):
    client.force_login(world.trust_admin)
    key = f"trust-{world.trust.pk}"
    export = _start(client, run_tasks, key)
    addresses = [
        reverse("reports:export", args=[export.pk]),
        reverse("reports:export-download", args=[export.pk]),
    ]
    assert [client.get(a).status_code for a in addresses] == [200, 200]
    # Everyone else, even a reader of the same scope: 404, page, file and API.
    for other in (world.admin, world.manager_a, world.p1_user, world.outsider):
        client.force_login(other)
        assert [client.get(a).status_code for a in addresses] == [404, 404], other
        api = APIClient()
        api.force_authenticate(other)
        assert api.get(f"/api/v1/reports/exports/{export.pk}/").status_code == 404
    # The person who asked, after losing the role: 404 too.
    TrustAdministrator.objects.filter(user=world.trust_admin).delete()
    client.force_login(world.trust_admin)
    assert [client.get(a).status_code for a in addresses] == [404, 404]
    client.logout()
    assert client.get(addresses[1]).status_code == 302  # to sign in


def test_a_reader_who_loses_the_scope_before_it_runs_gets_no_file(world):
    export = background.export_request(
        user=world.trust_admin,
        kind="termly",
        fmt="xlsx",
        scope_key=f"trust-{world.trust.pk}",
        params=AUTUMN,
    )
    TrustAdministrator.objects.filter(user=world.trust_admin).delete()
    assert background.export_make(export.pk) == "failed"
    export.refresh_from_db()
    assert export.content is None
    assert export.error == "You may no longer read this report."


def test_the_api_starts_and_polls_a_file(world, client, run_tasks):
    api = APIClient()
    api.force_authenticate(world.admin)
    body = {"report": "termly", "format": "csv", **AUTUMN}
    with run_tasks():
        started = api.post("/api/v1/reports/all/exports/", body, format="json")
    assert started.status_code == 202, started.content
    export_id = started.json()["id"]
    data = api.get(f"/api/v1/reports/exports/{export_id}/").json()
    assert data["status"] == "done" and data["percent"] == 100
    assert data["download_url"] == f"/api/v1/reports/exports/{export_id}/file/"
    _, content = _sync(world.admin, "all", "csv", AUTUMN, "termly")
    # With a token alone, asking for JSON as API clients do: still the file.
    token = APIClient()
    token.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.admin).key}"
    )
    download = token.get(data["download_url"], HTTP_ACCEPT="application/json")
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert download.content == content
    # The same address with the browser session, and the page's own link.
    client.force_login(world.admin)
    assert client.get(data["download_url"]).content == content
    page_link = reverse("reports:export-download", args=[export_id])
    assert client.get(page_link).content == content


def test_the_api_file_is_only_for_the_person_who_asked_once_it_is_ready(
    world, django_assert_max_num_queries
):
    export = background.export_request(
        user=world.admin, kind="termly", fmt="xlsx", scope_key="all", params=AUTUMN
    )  # queued: on-commit does not run here
    url = f"/api/v1/reports/exports/{export.pk}/file/"
    api = APIClient()
    api.force_authenticate(world.admin)
    early = api.get(url)
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "invalid_state"
    assert "not ready yet" in early.json()["error"]["message"]
    background.export_make(export.pk)
    with django_assert_max_num_queries(
        2
    ):  # the export (admin reads every scope), the bytes
        ready = api.get(url)
    assert ready.status_code == 200
    assert ready["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ready.content.startswith(b"PK")  # an XLSX is a zip
    api.force_authenticate(world.trust_admin)  # may read reports, did not ask
    assert api.get(url).status_code == 404
    assert APIClient().get(url).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"report": "pdf", "format": "csv"}, "report"),
        ({"report": "impact", "format": "doc"}, "format"),
        ({"format": "csv"}, "report"),
        ({"report": "impact", "format": "csv", "by": "street"}, "by"),
        ({"report": "impact", "format": "csv", "colour": "red"}, "colour"),
        (
            {
                "report": "impact",
                "format": "csv",
                "starts_on": "2026-12-01",
                "ends_on": "2026-09-01",
            },
            "ends_on",
        ),
        ({"report": "impact", "format": "csv", "year": 1900}, "year"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, body, field):
    api = APIClient()
    api.force_authenticate(world.admin)
    response = api.post("/api/v1/reports/all/exports/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not ReportExport.objects.exists()


def test_a_scope_the_caller_may_not_read_is_a_404(world):
    api = APIClient()
    api.force_authenticate(world.p1_user)
    body = {"report": "impact", "format": "csv"}
    for key in ("all", f"partner-{world.p2.pk}", f"site-{world.site_a.pk}"):
        response = api.post(f"/api/v1/reports/{key}/exports/", body, format="json")
        assert response.status_code == 404
    assert not ReportExport.objects.exists()


def test_a_person_may_have_only_a_few_files_on_the_way(world):
    api = APIClient()
    api.force_authenticate(world.admin)
    body = {"report": "impact", "format": "csv", **AUTUMN}
    for _ in range(background.MAX_OPEN):  # queued: on-commit does not run here
        assert (
            api.post("/api/v1/reports/all/exports/", body, format="json").status_code
            == 202
        )
    refused = api.post("/api/v1/reports/all/exports/", body, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "too_many_exports"


def test_the_page_button_explains_a_refusal(client, world):
    client.force_login(world.admin)
    url = reverse("reports:impact-download", args=["all", "csv"])
    for _ in range(background.MAX_OPEN):
        client.post(f"{url}?starts_on=2026-09-01&ends_on=2026-12-31")
    refused = client.post(f"{url}?starts_on=2026-09-01&ends_on=2026-12-31", follow=True)
    assert "You already have 3 report files being made" in refused.content.decode()


def test_the_exports_are_in_the_openapi_schema():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    start = schema["paths"]["/api/v1/reports/{scope}/exports/"]["post"]
    assert "at most 3 files" in start["description"]
    assert "202" in start["responses"]
    assert "get" in schema["paths"]["/api/v1/reports/exports/{export_id}/"]


# The task's queries: the figures' (tests/reports/test_api_and_queries.py),
# the claim, four audited changes of state and the progress writes.
TASK_QUERIES = 40


@pytest.mark.parametrize("kind", ["impact", "termly"])
def test_the_task_costs_the_same_queries_whatever_the_data(world, kind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reports.world import extra_household_attending

    counts = []
    for more in (0, 25):
        extra_household_attending(world, more)
        export = background.export_request(
            user=world.admin, kind=kind, fmt="xlsx", scope_key="all", params=AUTUMN
        )
        with CaptureQueriesContext(connection) as queries:
            assert background.export_make(export.pk) == "done"
        counts.append(len(queries))
    assert counts[0] == counts[1] <= TASK_QUERIES, counts


def test_a_file_never_made_stops_counting_towards_the_limit(world, time_machine):
    """A worker that stopped leaves files waiting: after STALE_MINUTES they
    fail (audited) when the person next asks, and no longer block them."""
    import datetime as dt

    from tests.reports.world import NOW

    for _ in range(background.MAX_OPEN):
        background.export_request(
            user=world.admin, kind="impact", fmt="csv", scope_key="all", params=AUTUMN
        )
    time_machine.move_to(NOW + dt.timedelta(minutes=background.STALE_MINUTES + 1))
    fresh = background.export_request(
        user=world.admin, kind="impact", fmt="csv", scope_key="all", params=AUTUMN
    )
    old = ReportExport.objects.exclude(pk=fresh.pk)
    assert set(old.values_list("status", flat=True)) == {"failed"}
    assert set(old.values_list("error", flat=True)) == {
        "It took too long to make. Ask for it again."
    }
    assert AuditEntry.objects.filter(action="report_export.failed").count() == 3
