"""Import a school's term dates, holidays and closures from an .ics or CSV file.

`import_preview` reads the file, lists every problem (by line or event) and,
when there is none, what would be created, changed or left alone, with a
signed token; `import_confirm` takes that token and saves it all in one
transaction (audited), or nothing. An entry is recognised again by its
`source_uid` (the event's UID, the CSV's `id` column, or else its kind, name
and year), so importing the same file twice changes nothing.
"""

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass

from dateutil.rrule import rrulestr
from django.core import signing
from django.db import transaction
from icalendar import Calendar

from hub.audit import audit_record, diff, snapshot
from hub.errors import DomainError
from hub.input_limits import clean_text
from hub.models import Closure, Holiday, Site, Term
from hub.rules import require_perm
from hub.services import term_assert_no_overlap

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 1000
MAX_NAME = 120
TOKEN_MAX_AGE = 3600  # seconds a preview may wait for its confirmation
SALT = "calendars.import"
MODELS = {"term": Term, "holiday": Holiday, "closure": Closure}
KIND_WORDS = (  # first match wins: "half term" is a holiday, not a term
    ("closure", ("inset", "closed", "closure", "training day", "polling")),
    ("holiday", ("holiday", "half term", "half-term", "break", "christmas")),
    ("term", ("term",)),
)
CSV_COLUMNS = {
    "kind": ("kind", "type"),
    "name": ("name", "description", "title"),
    "starts_on": ("starts_on", "first_day", "first day", "start", "start date"),
    "ends_on": ("ends_on", "last_day", "last day", "end", "end date"),
}


@dataclass(frozen=True)
class DateRow:
    where: str  # "line 3" or "event 2 (Autumn term)"
    kind: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    uid: str


@dataclass
class Preview:
    created: list[DateRow]
    changed: list[tuple[DateRow, str]]  # the row and what it was before
    unchanged: list[DateRow]
    token: str


class ImportProblems(DomainError):
    """Every problem in the file, each {"where": ..., "message": ...}; the
    message names the line or event and says what to fix."""

    def __init__(self, problems: list[dict], field: str = "file"):
        count = len(problems)
        super().__init__(
            f"The file has {'a problem' if count == 1 else f'{count} problems'}. "
            "Nothing was saved: correct the file and upload it again.",
            field=field,
            details=[
                {"where": p["where"], "message": f"{p['where']}: {p['message']}."}
                for p in problems
            ],
        )


# Reading the file


def parse_file(data: bytes, filename: str = "") -> list[DateRow]:
    """The file's rows, or ImportProblems listing everything wrong with it."""
    if len(data) >= MAX_BYTES:
        _fail("The file", "is 5 MB or more. Upload a file smaller than 5 MB")
    if not data.strip():
        _fail("The file", "is empty. Choose the file with your dates")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail(
            "The file",
            "is not UTF-8 text. Save it as UTF-8 (in Excel: CSV UTF-8) and "
            "upload it again",
        )
    is_ics = filename.lower().endswith(".ics") or text.lstrip().startswith("BEGIN:")
    rows = _parse_ics(text) if is_ics else _parse_csv(text)
    if len(rows) > MAX_ROWS:
        _fail("The file", f"has more than {MAX_ROWS} dates. Split it into two files")
    _check_together(rows)
    return rows


def _fail(where: str, message: str):
    raise ImportProblems([{"where": where, "message": message}])


def _parse_ics(text: str) -> list[DateRow]:
    try:
        cal = Calendar.from_ical(text)
    except ValueError as exc:
        _fail("The file", f"is not a calendar file we can read ({exc})")
    rows, problems = [], []
    for number, event in enumerate(cal.walk("VEVENT"), start=1):
        summary = event.get("SUMMARY", "")
        twice = isinstance(summary, list)
        name = str(summary[0] if twice else summary).strip()
        where = f"Event {number}" + (f" ({name[:40]})" if name else "")
        if twice:
            problems.append(
                {"where": where, "message": _more_than_one("SUMMARY", "name")}
            )
            continue
        try:
            rows += _ics_rows(event, name)
        except ValueError as exc:
            problems.append({"where": where, "message": str(exc)})
        except OverflowError:  # a day before year 1 or after 9999
            problems.append({"where": where, "message": OUT_OF_YEARS})
    if not rows and not problems:
        _fail("The file", "has no events. Export the calendar with its events")
    if problems:
        raise ImportProblems(problems)
    return rows


def _ics_rows(event, name: str) -> list[DateRow]:
    if not name:
        raise ValueError("has no name (SUMMARY). Give the event a name")
    if "DTSTART" not in event:
        raise ValueError("has no start (DTSTART). Give it a first day")
    start = _decoded(
        event, "DTSTART", dt.date, "a day, like DTSTART;VALUE=DATE:20270104"
    )
    if isinstance(start, dt.datetime):
        if start.tzinfo is None:
            raise ValueError(
                "has a time with no time zone (a floating time). Terms, holidays "
                "and closures are whole days: make it an all-day event"
            )
        raise ValueError(
            "has a time of day. Terms, holidays and closures are whole days: "
            "make it an all-day event"
        )
    end = _ics_end(event, start)
    kind = _ics_kind(event, name)
    uid = str(event.get("UID", "")).strip() or f"{kind}:{name.casefold()}:{start.year}"
    days = _ics_starts(event, start)
    return [
        _row(
            f"Event ({name[:40]})",
            kind,
            name,
            day,
            day + (end - start),
            uid if len(days) == 1 else f"{uid}#{day.isoformat()}",
        )
        for day in days
    ]


def _ics_end(event, start: dt.date) -> dt.date:
    """The last day (inclusive): DTEND is the day after (RFC 5545 3.6.1)."""
    if "DTEND" in event:
        end = _decoded(event, "DTEND", dt.date, "a day, like DTEND;VALUE=DATE:20270105")
        if isinstance(end, dt.datetime):
            raise ValueError("ends at a time of day. Make it an all-day event")
        return max(start, end - dt.timedelta(days=1))
    if "DURATION" in event:
        duration = _decoded(event, "DURATION", dt.timedelta, "days, like P5D")
        return start + max(duration - dt.timedelta(days=1), dt.timedelta())
    return start


def _ics_kind(event, name: str) -> str:
    categories = event.get("CATEGORIES")
    words = []
    for item in categories if isinstance(categories, list) else [categories]:
        if item is not None:
            words += [str(c).casefold() for c in getattr(item, "cats", [item])]
    for word in words:
        if word in MODELS:
            return word
    text = " ".join([name.casefold(), *words])
    for kind, keys in KIND_WORDS:
        if any(key in text for key in keys):
            return kind
    raise ValueError(
        "is not clearly a term, a holiday or a closure. Add TERM, HOLIDAY or "
        "CLOSURE to its categories, or put the word in its name"
    )


def _ics_starts(event, start: dt.date) -> list[dt.date]:
    """The first days of a repeating event (bounded), or just its start."""
    if "RRULE" not in event:
        return [start]
    rule = _decoded(event, "RRULE", dict, "a rule, like FREQ=YEARLY;COUNT=3")
    if not rule.get("UNTIL") and not rule.get("COUNT"):
        raise ValueError(
            "repeats for ever (its RRULE has no UNTIL or COUNT). Give the "
            "repeat an end date"
        )
    starts = rrulestr(
        rule.to_ical().decode(), dtstart=dt.datetime.combine(start, dt.time())
    )
    days = []
    for value in starts:
        days.append(value.date())
        if len(days) > MAX_ROWS:
            raise ValueError(f"repeats more than {MAX_ROWS} times. Shorten the repeat")
    return days


def _decoded(event, name: str, kind: type, example: str):
    """The event's one `name` property as a `kind`, or ValueError saying what
    to fix: icalendar keeps a value it cannot read as text (or fails on it in
    its own ways), and a property given twice as a list."""
    value = event[name]
    if isinstance(value, list):
        raise ValueError(_more_than_one(name, "value"))
    try:
        decoded = event.decoded(name)
    except Exception:  # noqa: BLE001 - any failure reading one property
        decoded = None
    if not isinstance(decoded, kind):
        raw = value if isinstance(value, str) else value.to_ical()  # as written
        text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
        raise ValueError(
            f"has {name} '{text[:20]}', which cannot be read. Write it as {example}"
        )
    return decoded


def _more_than_one(name: str, what: str) -> str:
    return f"has more than one {name}. Give the event one {what}"


OUT_OF_YEARS = "is not between 2000 and 2099. Check the year"


def _parse_csv(text: str) -> list[DateRow]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _read_csv(reader)
    except csv.Error as exc:  # e.g. a value over csv.field_size_limit()
        message = (
            f"has a value longer than {csv.field_size_limit():,} characters. "
            "Check it is the file of your dates"
            if "field limit" in str(exc)
            else f"cannot be read as CSV ({exc}). Save it again as CSV"
        )
        _fail(f"Line {reader.line_num + 1}", message)  # where its record starts


def _read_csv(reader: csv.DictReader) -> list[DateRow]:
    header = {(h or "").strip().casefold(): h for h in reader.fieldnames or []}
    columns, missing = {}, []
    for key, names in CSV_COLUMNS.items():
        found = next((header[n] for n in names if n in header), None)
        if found is None:
            missing.append(names[0])
        columns[key] = found
    if missing:
        _fail(
            "Line 1",
            f"is missing the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. The first line must name the columns kind, "
            "name, starts_on and ends_on (and id if you have one)",
        )
    uid_column = next((header[n] for n in ("id", "uid") if n in header), None)
    rows, problems = [], []
    for number, record in enumerate(reader, start=2):
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue
        try:
            rows.append(_csv_row(number, record, columns, uid_column))
        except ValueError as exc:
            problems.append({"where": f"Line {number}", "message": str(exc)})
    if problems:
        raise ImportProblems(problems)
    if not rows:
        _fail("The file", "has no dates under its first line")
    return rows


def _csv_row(number: int, record: dict, columns: dict, uid_column) -> DateRow:
    values = {key: (record.get(col) or "").strip() for key, col in columns.items()}
    kind = values["kind"].casefold()
    if kind not in MODELS:
        raise ValueError(
            f"kind '{values['kind'][:20]}' is not term, holiday or closure. Use one "
            "of those words"
        )
    starts_on = _csv_date(values["starts_on"], "starts_on")
    ends_on = _csv_date(values["ends_on"], "ends_on")
    name = values["name"]
    uid = (record.get(uid_column) or "").strip() if uid_column else ""
    return _row(
        f"Line {number}",
        kind,
        name,
        starts_on,
        ends_on,
        uid or f"{kind}:{name.casefold()}:{starts_on.year}",
    )


def _csv_date(value: str, column: str) -> dt.date:
    if not value:
        raise ValueError(f"{column} is empty. Give a date such as 2027-01-04")
    try:
        if "/" in value:  # UK order, as spreadsheets write it: 04/01/2027
            day, month, year = (int(part) for part in value.split("/"))
            if year >= 1000:
                return dt.date(year, month, day)
        else:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(
        f"{column} '{value[:20]}' is not a real date. Write it as 2027-01-04 or "
        "04/01/2027"
    )


def _row(where, kind, name, starts_on, ends_on, uid) -> DateRow:
    if not name:
        raise ValueError("has no name. Give each date a name")
    if len(name) > MAX_NAME:
        raise ValueError(f"has a name longer than {MAX_NAME} characters. Shorten it")
    name = _one_line(name, "its name")
    uid = _one_line(uid, "its id")
    if ends_on < starts_on:
        raise ValueError(
            "ends before it starts. Make the last day the same as or after the first"
        )
    if not dt.date(2000, 1, 1) <= starts_on <= ends_on <= dt.date(2099, 12, 31):
        raise ValueError(OUT_OF_YEARS)
    return DateRow(where, kind, name, starts_on, ends_on, uid[:255])


def _one_line(text: str, what: str) -> str:
    """`text` in NFC, or ValueError for a control character (a NUL cannot
    be stored on PostgreSQL), as every form and the API refuse them."""
    try:
        return clean_text(text, multiline=False, label=what)
    except ValueError:
        raise ValueError(
            f"has a control character in {what} (such as a tab or a line "
            "break). Remove it"
        ) from None


def _check_together(rows: list[DateRow]) -> None:
    """One file: no id twice, no two terms overlapping."""
    problems, seen = [], {}
    for row in rows:
        if row.uid in seen:
            problems.append(
                {
                    "where": row.where,
                    "message": f"has the same id as {seen[row.uid]}. Give each date its own id",
                }
            )
        seen[row.uid] = row.where
    terms = sorted((r for r in rows if r.kind == "term"), key=lambda r: r.starts_on)
    for before, after in zip(terms, terms[1:], strict=False):
        if after.starts_on <= before.ends_on:
            problems.append(
                {
                    "where": after.where,
                    "message": f"overlaps {before.name}. Terms cannot overlap: correct the dates",
                }
            )
    if problems:
        raise ImportProblems(problems)


# Preview and confirm


def _existing(site: Site) -> dict[tuple[str, str], object]:
    """The site's own entries (not its trust's) by (kind, source uid)."""
    found = {}
    for kind, model in MODELS.items():
        for entry in model.objects.filter(site=site):
            found[(kind, entry.source_uid or _uid_of(kind, entry))] = entry
    return found


def _uid_of(kind: str, entry) -> str:
    return f"{kind}:{_name(entry).casefold()}:{entry.starts_on.year}"


def _name(entry) -> str:
    return entry.reason if isinstance(entry, Closure) else entry.name


def _plan(site: Site, rows: list[DateRow]):
    existing = _existing(site)
    created, changed, unchanged = [], [], []
    for row in rows:
        entry = existing.get((row.kind, row.uid))
        if entry is None:
            created.append(row)
        elif (_name(entry), entry.starts_on, entry.ends_on) == (
            row.name,
            row.starts_on,
            row.ends_on,
        ):
            unchanged.append(row)
        else:
            changed.append((row, entry))
    return created, changed, unchanged


def import_preview(*, actor, site: Site, data: bytes, filename: str = "") -> Preview:
    """What the file would change at `site`; ImportProblems if anything is wrong
    with it. Saves nothing."""
    require_perm(actor, "calendars.import_dates", site)
    rows = parse_file(data, filename)
    created, changed, unchanged = _plan(site, rows)
    token = signing.dumps(
        {
            "site": site.pk,
            "user": actor.pk,
            "file": filename[:100],
            "rows": [_plain(r) for r in rows],
        },
        salt=SALT,
        compress=True,
    )
    return Preview(
        created=created,
        changed=[(row, str(entry)) for row, entry in changed],
        unchanged=unchanged,
        token=token,
    )


def _plain(row: DateRow) -> dict:
    return {
        **asdict(row),
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
    }


def _rows_from(token: str, *, actor, site: Site) -> tuple[list[DateRow], str]:
    try:
        payload = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise DomainError(
            "This preview is more than an hour old. Upload the file again.",
            field="token",
        ) from None
    except signing.BadSignature:
        raise DomainError(
            "This preview is not one we made. Upload the file again.", field="token"
        ) from None
    if payload.get("site") != site.pk or payload.get("user") != actor.pk:
        raise DomainError(
            "This preview was for another school or person. Upload the file again.",
            field="token",
        )
    rows = [
        DateRow(
            **{
                **r,
                "starts_on": dt.date.fromisoformat(r["starts_on"]),
                "ends_on": dt.date.fromisoformat(r["ends_on"]),
            }
        )
        for r in payload["rows"]
    ]
    return rows, payload.get("file", "")


@transaction.atomic
def import_confirm(*, actor, site: Site, token: str) -> dict[str, int]:
    """Save a preview: create and change entries (each audited), then check the
    site's terms still do not overlap. All or nothing."""
    require_perm(actor, "calendars.import_dates", site)
    rows, filename = _rows_from(token, actor=actor, site=site)
    created, changed, unchanged = _plan(site, rows)
    for row in created:
        _save(actor, MODELS[row.kind](site=site), row, "imported")
    for row, entry in changed:
        _save(actor, entry, row, "import_changed")
    for entry in Term.objects.filter(site=site):
        term_assert_no_overlap(term=entry)
    counts = {
        "created": len(created),
        "changed": len(changed),
        "unchanged": len(unchanged),
    }
    audit_record(
        actor=actor,
        action="site.dates_imported",
        obj=site,
        reason=f"From {filename or 'a file'}: {counts['created']} created, "
        f"{counts['changed']} changed, {counts['unchanged']} unchanged.",
    )
    return counts


def _save(actor, entry, row: DateRow, verb: str) -> None:
    name_field = "reason" if isinstance(entry, Closure) else "name"
    fields = (name_field, "starts_on", "ends_on", "source_uid")
    before = snapshot(entry, fields) if entry.pk else {}
    setattr(entry, name_field, row.name)
    entry.starts_on, entry.ends_on, entry.source_uid = (
        row.starts_on,
        row.ends_on,
        row.uid,
    )
    entry.save()
    audit_record(
        actor=actor,
        action=f"{entry._meta.model_name}.{verb}",
        obj=entry,
        changes=diff(before, snapshot(entry, fields)),
    )
