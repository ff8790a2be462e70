"""The termly return: per activity, days delivered, children attending, of
whom eligible for free school meals, of whom with special educational needs
or disabilities (SEND), in the shape local authorities ask holiday activities
and food (HAF) programmes for. Documented in docs/reports.md.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from activities.models import Household, HouseholdMember, Session
from reports.figures import _attended, delivered
from reports.periods import Period
from reports.scopes import Scope
from reports.suppression import COUNT, PEOPLE, Column, Table, build_table

COLUMNS = [
    Column("days", "Days delivered", COUNT),
    Column("children", "Children attending", PEOPLE),
    Column("fsm", "Of whom eligible for free school meals", PEOPLE),
    Column("send", "Of whom with SEND", PEOPLE),
]
DETAILS = ("Partner", "School")


# Children counted once each (per activity, or over all), then joined to their
# member row and household (a few thousand) for SEND notes and eligibility as
# they stand now, rather than joining every mark.
CHILD_SUMS = (
    "COUNT(*)",
    "SUM(CASE WHEN hhd.fsm_verified_at IS NOT NULL THEN 1 ELSE 0 END)",
    "SUM(CASE WHEN mm.send_notes <> '' THEN 1 ELSE 0 END)",
)


def _children_counts(children, per_activity: bool) -> list[tuple]:
    """[(activity id or None, children, fsm, send)] from distinct children."""
    key = {"a": F("session__activity_id")} if per_activity else {}
    distinct = children.values(**key, m=F("member_id"), hh=F("household_id"))
    sql, params = distinct.distinct().order_by().query.sql_with_params()
    query = (
        f"SELECT {'c.a' if per_activity else 'NULL'}, {', '.join(CHILD_SUMS)} "
        f"FROM ({sql}) AS c "
        f"JOIN {Household._meta.db_table} AS hhd ON hhd.id = c.hh "
        f"JOIN {HouseholdMember._meta.db_table} AS mm ON mm.id = c.m"
        + (" GROUP BY c.a" if per_activity else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def termly_return(*, scope: Scope, period: Period, progress=None) -> Table:
    """The return as a reader may see it (small numbers suppressed), with the
    partner and school of each activity beside its title. `progress(percent,
    step)`, if given, is told before each step (reports/background.py)."""
    rows, total, details = termly_figures(scope=scope, period=period, progress=progress)
    table = build_table(COLUMNS, rows, total)
    for row in table.rows:
        row.details = details[row.key]
    table.total.details = ("", "")
    return table


def termly_figures(*, scope: Scope, period: Period, progress=None):
    """Raw rows (activity id, title, values), total and {id: (partner, school)}
    for each activity with a session delivered in `period`. Four queries."""
    tell = progress or (lambda percent, step: None)
    tell(5, "Counting days delivered")
    start, end = period.bounds()
    end = min(end, timezone.now())
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    day = TruncDate("starts_at", tzinfo=zone)
    sessions = Session.objects.filter(
        delivered("", start, end), scope.activity_filter("activity__")
    )
    activities = list(
        sessions.values(
            "activity_id",
            "activity__title",
            "activity__partner__name",
            "activity__booking__room__site__name",
        )
        .annotate(days=Count(day, distinct=True))
        .order_by("activity__title", "activity_id")
    )
    children = _attended(scope, start, end).filter(child=True)
    tell(20, "Counting children per activity")
    per_activity = {
        row[0]: dict(zip(("children", "fsm", "send"), row[1:], strict=True))
        for row in _children_counts(children, per_activity=True)
    }
    rows = []
    for act in activities:
        counts = per_activity.get(act["activity_id"], {})
        values = {"days": act["days"]}
        values |= {k: counts.get(k, 0) for k in ("children", "fsm", "send")}
        rows.append((str(act["activity_id"]), act["activity__title"], values))
    total = {"days": sessions.aggregate(n=Count(day, distinct=True))["n"]}
    tell(60, "Counting children over all")
    overall = _children_counts(children, per_activity=False)[0][1:]
    total |= {
        k: v or 0 for k, v in zip(("children", "fsm", "send"), overall, strict=True)
    }
    details = {
        str(a["activity_id"]): (
            a["activity__partner__name"],
            a["activity__booking__room__site__name"],
        )
        for a in activities
    }
    return rows, total, details
