"""Importing term dates, holidays and closures: preview first, nothing saved
until confirmed, nothing saved on error, the same file twice changes nothing,
and every bad input named with what to fix."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from calendars import importing
from calendars.importing import ImportProblems
from hub.errors import DomainError, PermissionDenied
from hub.models import AuditEntry, Closure, Holiday, Term
from tests.factories import TermFactory

CSV = (
    "kind,name,starts_on,ends_on\n"
    "term,Autumn term,2026-09-03,2026-12-18\n"
    "holiday,Autumn half term,26/10/2026,30/10/2026\n"
    "closure,INSET day,2026-11-16,2026-11-16\n"
)

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Leeds City Council//Term dates//EN
BEGIN:VEVENT
UID:lcc-2026-autumn@leeds.gov.uk
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20260903
DTEND;VALUE=DATE:20261219
SUMMARY:Autumn term
END:VEVENT
BEGIN:VEVENT
UID:lcc-2026-half@leeds.gov.uk
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20261026
DTEND;VALUE=DATE:20261031
SUMMARY:Half term
END:VEVENT
BEGIN:VEVENT
UID:lcc-2026-inset@leeds.gov.uk
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20261116
SUMMARY:Staff training
CATEGORIES:CLOSURE
END:VEVENT
END:VCALENDAR
"""


def saved(site):
    return (
        sorted(
            Term.objects.filter(site=site).values_list("name", "starts_on", "ends_on")
        )
        + sorted(
            Holiday.objects.filter(site=site).values_list(
                "name", "starts_on", "ends_on"
            )
        )
        + sorted(
            Closure.objects.filter(site=site).values_list(
                "reason", "starts_on", "ends_on"
            )
        )
    )


def run(manager, site, text, filename="dates.csv"):
    data = text.encode() if isinstance(text, str) else text
    preview = importing.import_preview(
        actor=manager, site=site, data=data, filename=filename
    )
    return preview


def test_csv_preview_saves_nothing_and_confirm_saves_all(site, manager):
    preview = run(manager, site, CSV)
    assert [r.name for r in preview.created] == [
        "Autumn term",
        "Autumn half term",
        "INSET day",
    ]
    assert saved(site) == []
    counts = importing.import_confirm(actor=manager, site=site, token=preview.token)
    assert counts == {"created": 3, "changed": 0, "unchanged": 0}
    assert saved(site) == [
        ("Autumn term", dt.date(2026, 9, 3), dt.date(2026, 12, 18)),
        ("Autumn half term", dt.date(2026, 10, 26), dt.date(2026, 10, 30)),
        ("INSET day", dt.date(2026, 11, 16), dt.date(2026, 11, 16)),
    ]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"term.imported", "holiday.imported", "closure.imported"} <= actions
    assert "site.dates_imported" in actions


@pytest.mark.parametrize("text,filename", [(CSV, "dates.csv"), (ICS, "dates.ics")])
def test_the_same_file_twice_changes_nothing(site, manager, text, filename):
    first = run(manager, site, text, filename)
    importing.import_confirm(actor=manager, site=site, token=first.token)
    before, entries = saved(site), AuditEntry.objects.count()
    second = run(manager, site, text, filename)
    assert (second.created, second.changed) == ([], [])
    assert len(second.unchanged) == 3
    counts = importing.import_confirm(actor=manager, site=site, token=second.token)
    assert counts == {"created": 0, "changed": 0, "unchanged": 3}
    assert saved(site) == before
    assert AuditEntry.objects.count() == entries + 1  # only "imported nothing"


def test_ics_all_day_events_end_the_day_before_dtend(site, manager):
    preview = run(manager, site, ICS, "dates.ics")
    rows = {(r.kind, r.name): (r.starts_on, r.ends_on) for r in preview.created}
    assert rows == {
        ("term", "Autumn term"): (dt.date(2026, 9, 3), dt.date(2026, 12, 18)),
        ("holiday", "Half term"): (dt.date(2026, 10, 26), dt.date(2026, 10, 30)),
        ("closure", "Staff training"): (dt.date(2026, 11, 16), dt.date(2026, 11, 16)),
    }


def test_a_changed_date_is_shown_as_changed(site, manager):
    importing.import_confirm(
        actor=manager, site=site, token=run(manager, site, ICS, "d.ics").token
    )
    moved = ICS.replace("DTEND;VALUE=DATE:20261219", "DTEND;VALUE=DATE:20261218")
    preview = run(manager, site, moved, "d.ics")
    assert [(r.name, before) for r, before in preview.changed] == [
        ("Autumn term", "Autumn term (03 Sep 2026 to 18 Dec 2026)")
    ]
    importing.import_confirm(actor=manager, site=site, token=preview.token)
    assert Term.objects.get(site=site).ends_on == dt.date(2026, 12, 17)
    assert AuditEntry.objects.filter(action="term.import_changed").count() == 1


def test_a_repeating_event_with_an_end_becomes_one_date_each(site, manager):
    ics = ICS.replace(
        "SUMMARY:Staff training", "SUMMARY:Staff training\nRRULE:FREQ=MONTHLY;COUNT=3"
    )
    closures = [
        r for r in run(manager, site, ics, "d.ics").created if r.kind == "closure"
    ]
    assert [r.starts_on for r in closures] == [
        dt.date(2026, 11, 16),
        dt.date(2026, 12, 16),
        dt.date(2027, 1, 16),
    ]


BAD_ICS = {
    "malformed": ("BEGIN:VCALENDAR\nthis is not ical\n", "not a calendar file"),
    "no start": (ICS.replace("DTSTART;VALUE=DATE:20261026\n", ""), "has no start"),
    "floating time": (
        ICS.replace("DTSTART;VALUE=DATE:20261026", "DTSTART:20261026T090000"),
        "floating time",
    ),
    "a time where a whole day is expected": (
        ICS.replace("DTSTART;VALUE=DATE:20261026", "DTSTART:20261026T090000Z"),
        "make it an all-day event",
    ),
    "unbounded rrule": (
        ICS.replace("SUMMARY:Half term", "SUMMARY:Half term\nRRULE:FREQ=YEARLY"),
        "repeats for ever",
    ),
    "no kind": (ICS.replace("SUMMARY:Half term", "SUMMARY:Fun run"), "not clearly"),
}


@pytest.mark.parametrize("case", BAD_ICS)
def test_bad_calendar_files_are_refused_with_what_to_fix(site, manager, case):
    text, says = BAD_ICS[case]
    with pytest.raises(ImportProblems) as exc:
        run(manager, site, text, "dates.ics")
    assert says in " ".join(d["message"] for d in exc.value.details)
    assert "Nothing was saved" in exc.value.message


BAD_CSV = {
    "missing columns": ("kind,name,start\nterm,Autumn,2026-09-03\n", "ends_on"),
    "impossible date": (CSV.replace("2026-12-18", "2026-02-31"), "not a real date"),
    "impossible UK date": (CSV.replace("30/10/2026", "31/11/2026"), "not a real date"),
    "ends before it starts": (CSV.replace("2026-12-18", "2026-09-01"), "ends before"),
    "unknown kind": (CSV.replace("closure,", "party,"), "is not term, holiday"),
    "overlapping terms": (
        CSV + "term,Winter term,2026-12-01,2027-01-20\n",
        "overlaps Autumn term",
    ),
}


@pytest.mark.parametrize("case", BAD_CSV)
def test_bad_spreadsheets_are_refused_line_by_line(site, manager, case):
    text, says = BAD_CSV[case]
    with pytest.raises(ImportProblems) as exc:
        run(manager, site, text)
    messages = [d["message"] for d in exc.value.details]
    assert says in " ".join(messages)
    assert all(m.startswith(("Line ", "The file")) for m in messages)


def test_every_bad_line_is_listed(site, manager):
    text = CSV.replace("2026-12-18", "2026-02-31").replace("closure,", "party,")
    with pytest.raises(ImportProblems) as exc:
        run(manager, site, text)
    assert [d["where"] for d in exc.value.details] == ["Line 2", "Line 4"]


def test_a_5_mb_file_and_a_wrong_encoding_are_refused(site, manager):
    big = CSV.encode() + b"#" * (5 * 1024 * 1024)
    with pytest.raises(ImportProblems, match="problem") as exc:
        run(manager, site, big)
    assert "smaller than 5 MB" in exc.value.details[0]["message"]
    latin = CSV.replace("INSET day", "Journée pédagogique").encode("latin-1")
    with pytest.raises(ImportProblems) as exc:
        run(manager, site, latin)
    assert "not UTF-8" in exc.value.details[0]["message"]
    assert saved(site) == []


def test_confirm_saves_nothing_if_the_school_changed_meanwhile(site, manager):
    preview = run(manager, site, CSV)
    TermFactory(
        site=site,
        name="Hand-typed",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2027, 1, 5),
    )
    with pytest.raises(DomainError, match="overlap"):
        importing.import_confirm(actor=manager, site=site, token=preview.token)
    assert Holiday.objects.count() == Closure.objects.count() == 0
    assert Term.objects.count() == 1


def test_a_preview_is_only_good_for_its_school_and_person(
    site, other_site, manager, other_manager
):
    preview = run(manager, site, CSV)
    with pytest.raises(DomainError, match="another school or person"):
        importing.import_confirm(
            actor=other_manager, site=other_site, token=preview.token
        )
    with pytest.raises(DomainError, match="not one we made"):
        importing.import_confirm(actor=manager, site=site, token=preview.token + "x")


def test_only_the_business_manager_may_import(site, partner_user, link_worker):
    for user in (partner_user, link_worker):
        with pytest.raises(PermissionDenied):
            run(user, site, CSV)


def test_the_page_previews_then_saves(client, site, manager):
    client.force_login(manager)
    url = f"/calendars/sites/{site.slug}/import/"
    upload = SimpleUploadedFile("dates.csv", CSV.encode(), content_type="text/csv")
    page = client.post(url, {"file": upload})
    assert page.status_code == 200
    assert b"To be added" in page.content and b"Autumn half term" in page.content
    assert saved(site) == []
    token = page.context["confirm_form"].initial["token"]
    done = client.post(url + "confirm/", {"token": token})
    assert done.status_code == 302
    assert len(saved(site)) == 3


def test_the_page_lists_every_problem(client, site, manager):
    client.force_login(manager)
    text = CSV.replace("2026-12-18", "2026-02-31").replace("closure,", "party,")
    upload = SimpleUploadedFile("dates.csv", text.encode(), content_type="text/csv")
    page = client.post(f"/calendars/sites/{site.slug}/import/", {"file": upload})
    assert page.status_code == 200
    assert b"Line 2: ends_on" in page.content
    assert b"Line 4: kind" in page.content
    assert b"Save these dates" not in page.content
