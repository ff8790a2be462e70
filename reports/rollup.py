"""The attended-marks rollup the impact report and the termly return read.

`reports.AttendedMark` holds one row per register mark that counts as
attended (status in ATTENDED_STATUSES), with the member's household and
whether the member is a child copied beside it, so the report's passes over a
million marks read one narrow table instead of joining every mark to its
member and household. Everything that can change about a session (cancelled,
moved), an activity or a household (eligibility, postcode, erasure) is NOT
copied: the report joins those small tables as they stand.

The database keeps the rollup current itself, in the same transaction as the
write, whatever makes it (a service, the admin, a bulk insert, a data
migration): triggers on `activities_attendance` (insert, update, delete) and on
`activities_householdmember` (a member's kind or household changing). They are
created by migration 0002 and again after every `migrate` (post_migrate), since
SQLite drops a table's triggers when a later migration rebuilds the table.
`rollup_rebuild` refills the table from the marks (after the triggers were
missing, or by the Celery task `reports.tasks.rollup_rebuild_task`), and
`rollup_differences` says whether it matches the marks (docs/reports.md,
"Speed").
"""

from django.db import connection, transaction

from activities.models import ATTENDED_STATUSES

TABLE = "reports_attendedmark"
_STATUSES = ", ".join(f"'{s}'" for s in ATTENDED_STATUSES)

# The row a mark contributes, from NEW (the mark) and m (its member).
_SELECT = (
    f"SELECT NEW.id, NEW.session_id, NEW.member_id, m.household_id, "
    f"m.kind = 'child', NEW.walk_in FROM activities_householdmember m "
    f"WHERE m.id = NEW.member_id AND NEW.status IN ({_STATUSES})"
)
_COLUMNS = "(attendance_id, session_id, member_id, household_id, child, walk_in)"

POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION reports_attendedmark_sync() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM {TABLE} WHERE attendance_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {TABLE} {_COLUMNS} {_SELECT};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS reports_attendedmark_sync ON activities_attendance",
    """CREATE TRIGGER reports_attendedmark_sync
    AFTER INSERT OR UPDATE OR DELETE ON activities_attendance
    FOR EACH ROW EXECUTE FUNCTION reports_attendedmark_sync()""",
    f"""
CREATE OR REPLACE FUNCTION reports_attendedmark_member() RETURNS trigger AS $$
BEGIN
    UPDATE {TABLE} SET household_id = NEW.household_id,
        child = (NEW.kind = 'child')
    WHERE member_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS reports_attendedmark_member ON activities_householdmember",
    """CREATE TRIGGER reports_attendedmark_member
    AFTER UPDATE OF kind, household_id ON activities_householdmember
    FOR EACH ROW
    WHEN (OLD.kind IS DISTINCT FROM NEW.kind
          OR OLD.household_id IS DISTINCT FROM NEW.household_id)
    EXECUTE FUNCTION reports_attendedmark_member()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS reports_attendedmark_sync ON activities_attendance",
    "DROP TRIGGER IF EXISTS reports_attendedmark_member ON activities_householdmember",
    "DROP FUNCTION IF EXISTS reports_attendedmark_sync()",
    "DROP FUNCTION IF EXISTS reports_attendedmark_member()",
]

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS reports_attendedmark_insert
    AFTER INSERT ON activities_attendance
    BEGIN INSERT INTO {TABLE} {_COLUMNS} {_SELECT}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS reports_attendedmark_update
    AFTER UPDATE ON activities_attendance
    BEGIN
        DELETE FROM {TABLE} WHERE attendance_id = OLD.id;
        INSERT INTO {TABLE} {_COLUMNS} {_SELECT};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS reports_attendedmark_delete
    AFTER DELETE ON activities_attendance
    BEGIN DELETE FROM {TABLE} WHERE attendance_id = OLD.id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS reports_attendedmark_member
    AFTER UPDATE OF kind, household_id ON activities_householdmember
    BEGIN
        UPDATE {TABLE} SET household_id = NEW.household_id,
            child = (NEW.kind = 'child')
        WHERE member_id = NEW.id;
    END""",
]
SQLITE_TRIGGERS = [
    "reports_attendedmark_insert",
    "reports_attendedmark_update",
    "reports_attendedmark_delete",
    "reports_attendedmark_member",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

# What the rollup must hold: the attended marks, as the triggers copy them.
WANT = f"""SELECT a.id, a.session_id, a.member_id, m.household_id,
        m.kind = 'child', a.walk_in
    FROM activities_attendance a
    JOIN activities_householdmember m ON m.id = a.member_id
    WHERE a.status IN ({_STATUSES})"""
HAVE = f"SELECT {_COLUMNS[1:-1]} FROM {TABLE}"
REBUILD = [f"DELETE FROM {TABLE}", f"INSERT INTO {TABLE} {_COLUMNS} {WANT}"]


def _statements(vendor: str, drop: bool = False) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_DROP if drop else POSTGRESQL
    if vendor == "sqlite":
        return SQLITE_DROP if drop else SQLITE
    raise NotImplementedError(f"No rollup triggers for {vendor}.")


def triggers_present(using=connection) -> bool:
    """Whether every trigger that keeps the rollup current exists."""
    with using.cursor() as cursor:
        if using.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname IN "
                "('reports_attendedmark_sync', 'reports_attendedmark_member')"
            )
            return cursor.fetchone()[0] == 2
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
            f"({', '.join('%s' for _ in SQLITE_TRIGGERS)})",
            SQLITE_TRIGGERS,
        )
        return cursor.fetchone()[0] == len(SQLITE_TRIGGERS)


def triggers_create(schema_editor=None, using=connection) -> None:
    """Create (or replace) the triggers. Used by the migration and post_migrate."""
    conn = schema_editor.connection if schema_editor else using
    with conn.cursor() as cursor:
        for sql in _statements(conn.vendor):
            cursor.execute(sql)


def triggers_drop(schema_editor=None, using=connection) -> None:
    conn = schema_editor.connection if schema_editor else using
    with conn.cursor() as cursor:
        for sql in _statements(conn.vendor, drop=True):
            cursor.execute(sql)


def rollup_rebuild(using=connection) -> int:
    """Refill the rollup from the marks, in one transaction (readers see the
    old rows or the new, never none). Returns the number of rows."""
    with transaction.atomic(using=using.alias), using.cursor() as cursor:
        if using.vendor == "postgresql":
            # Writers wait while the table is refilled, so no mark is missed.
            cursor.execute(
                "LOCK TABLE activities_attendance IN SHARE ROW EXCLUSIVE MODE"
            )
        for sql in REBUILD:
            cursor.execute(sql)
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def rollup_differences(using=connection) -> int:
    """How many rows are missing from the rollup or should not be there (0:
    it matches the marks exactly)."""
    total = 0
    with using.cursor() as cursor:
        for a, b in ((WANT, HAVE), (HAVE, WANT)):
            cursor.execute(f"SELECT count(*) FROM ({a} EXCEPT {b}) AS d")
            total += cursor.fetchone()[0]
    return total
