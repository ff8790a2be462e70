"""Report files made in the background, with their progress (issue 9).

A large report (every school, a whole trust, or a period longer than one
school year) is not written while the browser waits: `export_request` records
a `ReportExport` and queues the Celery task `reports.tasks.report_export_make`,
which calls `export_make`. That counts the figures step by step, writing the
percentage done and the step's name to the row (its own short write, so a
person polling sees it at once), then keeps the finished file in the row.
With no Redis (a laptop, the tests) Celery runs the task eagerly, so the same
path runs in the request.

Only the person who asked may fetch the file, and only while they may still
read the report's scope (`export_for`): anyone else, or the same person after
losing the role, gets a 404. Every change of state is audited
(report_export.requested, .started, .finished, .failed, .removed). Limits:
at most `MAX_OPEN` files waiting or being made per person at once (one not
made within `STALE_MINUTES` fails when they next ask, or at night); a file is kept
`KEEP_DAYS` days (older ones are removed every night by
`exports_remove_old`, and when the same person asks for another).
docs/reports.md ("Downloads made in the background").
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hub.audit import audit_record
from hub.errors import Conflict, DomainError, NotFound, StateError
from reports import exports
from reports.figures import DIMENSIONS, impact_table
from reports.models import ReportExport
from reports.periods import Period, period_from
from reports.scopes import Scope, scope_get
from reports.termly import DETAILS, termly_return

log = logging.getLogger(__name__)

MAX_OPEN = 3  # files waiting or being made per person
STALE_MINUTES = 30  # a file not made by then never will be (a worker stopped)
KEEP_DAYS = 7  # a finished file is kept this long
REMOVE_BATCH = 500  # old files removed per transaction by the nightly job
LARGE_SCOPES = ("all", "trust")
LARGE_DAYS = 366  # a period longer than one school year is large
PERIOD_FIELDS = ("term", "year", "starts_on", "ends_on")


class TooManyExports(Conflict):
    code = "too_many_exports"


Progress = Callable[[int, str], None]  # (percent done, what is being done)


def is_large(scope: Scope, period: Period) -> bool:
    """Whether the report's files are made in the background."""
    days = (period.ends_on - period.starts_on).days + 1
    return scope.kind in LARGE_SCOPES or days > LARGE_DAYS


def report_title(kind: str, scope: Scope, period: Period, by: str | None) -> str:
    if kind == ReportExport.Kind.TERMLY:
        return f"Termly return: {scope.label}, {period.label}"
    return f"Impact report: {scope.label}, {period.label}, by {DIMENSIONS[by].lower()}"


def report_file(
    *,
    kind: str,
    fmt: str,
    scope: Scope,
    period: Period,
    by: str | None,
    progress: Progress | None = None,
) -> tuple[str, bytes]:
    """(file name, content) of a report's CSV or XLSX file: the one writer for
    the download made at once and the one made in the background."""
    title = report_title(kind, scope, period, by)
    if kind == ReportExport.Kind.TERMLY:
        table = termly_return(scope=scope, period=period, progress=progress)
        first, details = "Activity", DETAILS
    else:
        table = impact_table(scope=scope, period=period, by=by, progress=progress)
        first, details = DIMENSIONS[by], ()
    if progress:
        progress(95, "Writing the file")
    write = exports.to_csv if fmt == "csv" else exports.to_xlsx
    content = write(table, title=title, first=first, details=details)
    return f"{slugify(title)[:120] or 'report'}.{fmt}", content


def _params(params: dict) -> dict:
    """The period fields and breakdown as JSON (dates as ISO text)."""
    out = {}
    for name in (*PERIOD_FIELDS, "by"):
        value = params.get(name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value not in (None, ""):
            out[name] = value
    return out


def _period(params: dict) -> Period:
    values = {name: params.get(name) for name in PERIOD_FIELDS}
    for name in ("starts_on", "ends_on"):
        if isinstance(values[name], str):
            values[name] = dt.date.fromisoformat(values[name])
    return period_from(**values)


def export_request(
    *, user, kind: str, fmt: str, scope_key: str, params: dict
) -> ReportExport:
    """Queue the making of a report file for `user`. NotFound if they may not
    read the scope; DomainError (naming the field) for a bad period or
    breakdown, or when they already have MAX_OPEN files on the way."""
    if kind not in ReportExport.Kind.values:
        raise DomainError("Choose an impact report or a termly return.", field="kind")
    if fmt not in ReportExport.Format.values:
        raise DomainError("Choose CSV or XLSX.", field="format")
    scope = scope_get(user=user, key=scope_key)
    params = _params(params)
    by = params.get("by", "site") if kind == ReportExport.Kind.IMPACT else None
    if by is not None and by not in DIMENSIONS:
        raise DomainError(f"Break down by one of: {', '.join(DIMENSIONS)}.", field="by")
    period = _period(params)
    with transaction.atomic():
        _forget_old(user)
        _give_up_stale(user)
        waiting = ReportExport.objects.filter(
            requested_by=user,
            status__in=[ReportExport.Status.QUEUED, ReportExport.Status.RUNNING],
        )
        if waiting.count() >= MAX_OPEN:
            raise TooManyExports(
                f"You already have {MAX_OPEN} report files being made. Wait for "
                "one to finish, then ask again."
            )
        export = ReportExport.objects.create(
            requested_by=user,
            kind=kind,
            fmt=fmt,
            scope_key=scope.key,
            title=report_title(kind, scope, period, by)[:300],
            params={**params, **({"by": by} if by else {})},
            step="Waiting to start",
        )
        audit_record(
            actor=user,
            action="report_export.requested",
            obj=export,
            changes={"status": [None, export.status]},
        )
        transaction.on_commit(lambda: _queue(export.pk))
    return export


def _queue(export_id) -> None:
    from reports.tasks import report_export_make

    report_export_make.delay(str(export_id))


def _forget_old(user) -> None:
    """Remove the person's finished files older than KEEP_DAYS."""
    _remove(list(_past_keeping().filter(requested_by=user)))


def exports_remove_old() -> int:
    """The nightly job (reports.tasks.report_exports_remove_old): first give
    up everyone's files stuck waiting or being made (a person who never asks
    again would otherwise see "waiting" for ever), then remove every finished
    file older than KEEP_DAYS, REMOVE_BATCH rows per transaction.
    Returns how many were removed; idempotent."""
    with transaction.atomic():
        _give_up_stale()
    removed = 0
    while batch := list(_past_keeping()[:REMOVE_BATCH]):
        with transaction.atomic():
            removed += _remove(batch)
    return removed


def _past_keeping():
    """Finished (done or failed) files older than KEEP_DAYS, without their
    content; one waiting or being made is left to _give_up_stale."""
    cutoff = timezone.now() - dt.timedelta(days=KEEP_DAYS)
    return (
        ReportExport.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=[ReportExport.Status.QUEUED, ReportExport.Status.RUNNING])
        .defer("content", "params")
        .order_by("pk")
    )


def _remove(exports: list[ReportExport]) -> int:
    """Delete `exports`, each audited as removed by the system. Must run
    inside transaction.atomic()."""
    for export in exports:
        audit_record(
            actor=None,
            action="report_export.removed",
            obj=export,
            reason=f"Kept for {KEEP_DAYS} days.",
            changes={"status": [export.status, None]},
        )
    ReportExport.objects.filter(pk__in=[e.pk for e in exports]).delete()
    return len(exports)


def _give_up_stale(user=None) -> None:
    """The person's (or, with no user, everyone's) files waiting or being made
    for over STALE_MINUTES (a worker stopped, or the task was lost) fail, so
    they no longer count towards MAX_OPEN and their page says so. Must run
    inside transaction.atomic()."""
    cutoff = timezone.now() - dt.timedelta(minutes=STALE_MINUTES)
    stale = ReportExport.objects.filter(
        status__in=[ReportExport.Status.QUEUED, ReportExport.Status.RUNNING],
        created_at__lt=cutoff,
    ).defer("content")
    if user is not None:
        stale = stale.filter(requested_by=user)
    stale = stale.select_for_update()
    for export in stale:
        _fail(export, "It took too long to make. Ask for it again.")


def _set_status(export: ReportExport, status: str, action: str, **fields) -> None:
    """One audited change of state, in its own transaction."""
    with transaction.atomic():
        before = export.status
        export.status = status
        for name, value in fields.items():
            setattr(export, name, value)
        export.save(update_fields=["status", *fields])
        audit_record(
            actor=None,
            action=action,
            obj=export,
            reason=fields.get("error", ""),
            changes={"status": [before, status]},
        )


def export_make(export_id) -> str:
    """Make the file of a queued export (the Celery task's body). Returns its
    final status. A run for an export already started or finished does
    nothing, so a task delivered twice makes the file once."""
    claimed = ReportExport.objects.filter(
        pk=export_id, status=ReportExport.Status.QUEUED
    ).update(status=ReportExport.Status.RUNNING, step="Starting")
    if not claimed:
        return "skipped"
    export = ReportExport.objects.select_related("requested_by").get(pk=export_id)
    export.status = ReportExport.Status.QUEUED  # audited as queued -> running
    _set_status(export, ReportExport.Status.RUNNING, "report_export.started")

    def progress(percent: int, step: str) -> None:
        ReportExport.objects.filter(pk=export.pk).update(
            percent=min(max(percent, 0), 99), step=step[:200]
        )

    try:
        scope = scope_get(user=export.requested_by, key=export.scope_key)
        filename, content = report_file(
            kind=export.kind,
            fmt=export.fmt,
            scope=scope,
            period=_period(export.params),
            by=export.params.get("by"),
            progress=progress,
        )
    except NotFound:
        return _fail(export, "You may no longer read this report.")
    except DomainError as exc:
        return _fail(export, str(exc))
    except Exception:
        log.exception("Report export %s failed", export.pk)
        return _fail(export, "Something went wrong while making the file.")
    _set_status(
        export,
        ReportExport.Status.DONE,
        "report_export.finished",
        percent=100,
        step="Ready to download",
        filename=filename,
        content=content,
        finished_at=timezone.now(),
    )
    return export.status


def _fail(export: ReportExport, message: str) -> str:
    _set_status(
        export,
        ReportExport.Status.FAILED,
        "report_export.failed",
        step="Could not be made",
        error=message[:500],
        finished_at=timezone.now(),
    )
    return export.status


def export_for(*, user, export_id) -> ReportExport:
    """The export if `user` asked for it and may still read its scope, else
    NotFound (never saying whether someone else's exists)."""
    export = (
        ReportExport.objects.filter(pk=export_id, requested_by_id=user.pk)
        .defer("content")
        .first()
    )
    if export is None:
        raise NotFound("There is no report file with that address that you may see.")
    scope_get(user=user, key=export.scope_key)  # NotFound once they may not
    return export


def export_content(export: ReportExport) -> bytes:
    """The finished file (DomainError if it is not ready)."""
    if export.status != ReportExport.Status.DONE:
        raise StateError("The file is not ready yet. Wait for it to finish.")
    return bytes(
        ReportExport.objects.filter(pk=export.pk).values_list("content", flat=True)[0]
    )
