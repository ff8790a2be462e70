"""Background jobs of the reports app (reports/rollup.py)."""

import logging

from hub.celery import app

log = logging.getLogger(__name__)


@app.task(ignore_result=True)
def rollup_check() -> int:
    """Check that the attended-marks rollup matches the register marks and
    that its triggers exist; if not, put the triggers back and refill it.
    Returns how many rows differed (0 when all was well). Nothing should ever
    make it differ; run it after restoring a backup or loading data with the
    triggers off (for example `psql` with session_replication_role=replica)."""
    from reports import rollup

    present = rollup.triggers_present()
    differences = rollup.rollup_differences()
    if present and not differences:
        return 0
    log.warning(
        "Attended-marks rollup: triggers present %s, %s rows differed; rebuilt.",
        present,
        differences,
    )
    rollup.triggers_create()
    rollup.rollup_rebuild()
    return differences


@app.task(ignore_result=True)
def report_export_make(export_id: str) -> str:
    """Make a report file asked for with reports.background.export_request
    (its progress and result are kept in the ReportExport row)."""
    from reports.background import export_make

    return export_make(export_id)


@app.task(ignore_result=True)
def report_exports_remove_old() -> int:
    """Beat job (settings.CELERY_BEAT_SCHEDULE), nightly: remove report files
    older than reports.background.KEEP_DAYS, each removal audited."""
    from reports.background import exports_remove_old

    return exports_remove_old()
