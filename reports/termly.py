"""The termly return: per activity, days delivered, children attending, of
whom eligible for free school meals, of whom with special educational needs
or disabilities (SEND), in the shape local authorities ask holiday activities
and food (HAF) programmes for. Documented in docs/reports.md.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from activities.models import HouseholdMember, Session
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


def _children_counts():
    eligible = Q(member__household__fsm_verified_at__isnull=False)
    with_send = ~Q(member__send_notes="")
    return {
        "children": Count("member_id", distinct=True),
        "fsm": Count("member_id", distinct=True, filter=eligible),
        "send": Count("member_id", distinct=True, filter=with_send),
    }


def termly_return(*, scope: Scope, period: Period) -> Table:
    """The return as a reader may see it (small numbers suppressed), with the
    partner and school of each activity beside its title."""
    rows, total, details = termly_figures(scope=scope, period=period)
    table = build_table(COLUMNS, rows, total)
    for row in table.rows:
        row.details = details[row.key]
    table.total.details = ("", "")
    return table


def termly_figures(*, scope: Scope, period: Period):
    """Raw rows (activity id, title, values), total and {id: (partner, school)}
    for each activity with a session delivered in `period`. Four queries."""
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
    children = _attended(scope, start, end).filter(
        member__kind=HouseholdMember.Kind.CHILD
    )
    per_activity = {
        row["session__activity_id"]: row
        for row in children.values("session__activity_id").annotate(
            **_children_counts()
        )
    }
    rows = []
    for act in activities:
        counts = per_activity.get(act["activity_id"], {})
        values = {"days": act["days"]}
        values |= {k: counts.get(k, 0) for k in ("children", "fsm", "send")}
        rows.append((str(act["activity_id"]), act["activity__title"], values))
    total = {"days": sessions.aggregate(n=Count(day, distinct=True))["n"]}
    total |= children.aggregate(**_children_counts())
    details = {
        str(a["activity_id"]): (
            a["activity__partner__name"],
            a["activity__booking__room__site__name"],
        )
        for a in activities
    }
    return rows, total, details
