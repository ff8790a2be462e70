"""Platform admins see report files made in the background (ReportExport) in
the Django admin, read-only: who asked, the scope, the state, when; never the
file's contents (only the person who asked may fetch it)."""

import pytest
from django.urls import reverse

from reports.models import ReportExport

pytestmark = pytest.mark.django_db


def test_the_admin_lists_who_asked_the_scope_state_and_when(
    client,
    admin_user,
    report_files,
):
    report_files["new_done"].requested_by.username = "ann.lee"
    report_files["new_done"].requested_by.save()
    client.force_login(admin_user)
    page = client.get(reverse("admin:reports_reportexport_changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    for text in ("ann.lee", "all", "Ready to download", "Could not be made"):
        assert text in body
    assert "Impact report: every school" in body
    assert "Requested by" in body and "Created at" in body
    assert "Site,Children" not in body


def test_the_admin_shows_a_file_read_only_without_its_contents(
    client,
    admin_user,
    report_files,
):
    export = report_files["new_done"]
    client.force_login(admin_user)
    url = reverse("admin:reports_reportexport_change", args=[export.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "impact-report.csv" in body and "Site,Children" not in body
    assert 'name="_save"' not in body
    client.post(url, {"title": "Changed", "status": "failed"})
    export.refresh_from_db()
    assert (export.title, export.status) == (
        "Impact report: every school, Autumn 2026, by school",
        "done",
    )
    add = reverse("admin:reports_reportexport_add")
    delete = reverse("admin:reports_reportexport_delete", args=[export.pk])
    assert client.get(add).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ReportExport.objects.filter(pk=export.pk).exists()
