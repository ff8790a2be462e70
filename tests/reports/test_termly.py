"""The termly return, recomputed in plain Python from the rows, and its
download."""

import csv
import io
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.urls import reverse

from activities.models import ATTENDED_STATUSES, Attendance, Session
from reports.scopes import scope_get
from reports.suppression import HIDDEN_TEXT
from reports.termly import termly_figures
from tests.reports.expected import in_scope, pair_in_scope

LONDON = ZoneInfo("Europe/London")


def _expected(scope, period, now):
    start, end = period.bounds()
    sessions = [
        s
        for s in Session.objects.select_related("activity__booking__room")
        if s.status == "scheduled"
        and start <= s.starts_at < min(end, now)
        and in_scope(s.activity, scope)
    ]
    days = defaultdict(set)
    for s in sessions:
        days[s.activity_id].add(s.starts_at.astimezone(LONDON).date())
    ran = {s.pk for s in sessions}
    children = defaultdict(lambda: defaultdict(set))
    for mark in Attendance.objects.select_related("member__household", "session"):
        member = mark.member
        if (
            mark.session_id not in ran
            or mark.status not in ATTENDED_STATUSES
            or member.kind != "child"
            or not pair_in_scope(member.household_id, mark.session.activity_id, scope)
        ):
            continue
        for key in (mark.session.activity_id, "total"):
            children[key]["children"].add(member.pk)
            if member.household.fsm_verified_at is not None:
                children[key]["fsm"].add(member.pk)
            if member.send_notes:
                children[key]["send"].add(member.pk)
    rows = {
        str(a): {"days": len(d)}
        | {k: len(children[a][k]) for k in ("children", "fsm", "send")}
        for a, d in days.items()
    }
    total = {"days": len(set().union(*days.values()))} | {
        k: len(children["total"][k]) for k in ("children", "fsm", "send")
    }
    return rows, total


def test_the_return_matches_the_rows(world, autumn, now):
    readers = [
        (world.admin, "all"),
        (world.trust_admin, f"trust-{world.trust.pk}"),
        (world.p2_user, f"partner-{world.p2.pk}"),
        (world.link_worker, "referrals"),
    ]
    for user, key in readers:
        scope = scope_get(user=user, key=key)
        rows, total, details = termly_figures(scope=scope, period=autumn)
        expected_rows, expected_total = _expected(scope, autumn, now)
        assert {k: v for k, _, v in rows} == expected_rows, key
        assert total == expected_total, key
        assert set(details) == set(expected_rows)
    _, everything = _expected(scope_get(user=world.admin, key="all"), autumn, now)
    assert everything["children"] >= 5 and everything["send"] >= 1  # not all zeros


def test_the_download_is_one_csv_with_a_row_per_activity(client, world, download):
    client.force_login(world.admin)
    url = reverse("reports:termly-download", args=["all", "csv"])
    response = download(url, {"starts_on": "2026-09-01", "ends_on": "2026-12-31"})
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[2] == [
        "Activity",
        "Partner",
        "School",
        "Days delivered",
        "Children attending",
        "Of whom eligible for free school meals",
        "Of whom with SEND",
    ]
    assert len(rows) == 3 + 4 + 1  # title, note, header, 4 activities, total
    assert rows[-1][0] == "Total"
    assert any(HIDDEN_TEXT in row for row in rows[3:])
