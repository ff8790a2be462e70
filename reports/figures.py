"""The impact report's figures, counted in SQL aggregates.

`impact_table(scope=..., period=..., by=...)` returns the suppressed table
(reports.suppression) with one row per site, partner, type of activity or
area (postcode district) and a Total row. It costs a fixed number of queries
however much data there is (about 15; tests/reports/test_queries.py). The
definition of every figure is in docs/reports.md ("The figures").
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import StrIndex, Substr, Upper
from django.utils import timezone

from activities.models import (
    ATTENDED_STATUSES,
    Activity,
    Attendance,
    Household,
    Referral,
    Session,
    SignUp,
    WalkInCount,
)
from bookings.models import Booking, Slot
from reports import opening
from reports.models import AttendedMark
from reports.periods import Period
from reports.scopes import Scope
from reports.suppression import (
    COUNT,
    HOURS,
    MONEY,
    PEOPLE,
    RATE,
    Column,
    Table,
    build_table,
)

DIMENSIONS = {
    "site": "School",
    "partner": "Partner",
    "category": "Type of activity",
    "area": "Area (postcode district)",
}
NOT_KNOWN = "Not known"
REPEAT_SESSIONS = 3

COLUMNS = [
    Column("sessions", "Sessions delivered", COUNT),
    Column("places_offered", "Places offered", COUNT),
    Column("places_taken", "Places taken", PEOPLE),
    Column("places_attended", "Places attended", PEOPLE),
    Column(
        "attendance_rate", "Attendance rate", RATE, ("places_attended", "places_taken")
    ),
    Column("walk_ins", "Walk-ins (came without a place)", PEOPLE),
    Column("households", "Households reached", PEOPLE),
    Column("children", "Children reached", PEOPLE),
    Column("fsm_households", "Households eligible for free school meals", PEOPLE),
    Column(
        "fsm_share",
        "Share of households eligible for free school meals",
        RATE,
        ("fsm_households", "households"),
    ),
    Column("repeat_households", "Households that came 3 or more times", PEOPLE),
    Column("referrals", "Referrals made", PEOPLE),
    Column("referrals_attended", "Referrals that led to attendance", PEOPLE),
    Column("hours_let", "Room hours let", HOURS),
    Column("hours_open", "Room hours open", HOURS),
    Column(
        "utilisation",
        "Room hours let, share of hours open",
        RATE,
        ("hours_let", "hours_open"),
    ),
    Column("free_value", "Value of free and discounted lettings", MONEY),
]


@dataclass(frozen=True)
class Paths:
    """Where a queried model keeps its activity (a prefix) and household."""

    activity: str | None
    household: str | None = None
    site: str | None = None  # for slots, which have no activity
    partner: str | None = None


SESSION = Paths("activity__")
SIGNUP = Paths("activity__", "household")
WALK_IN = Paths("session__activity__")
REFERRAL = Paths("activity__", "household")
SLOT = Paths(None, site="room__site", partner="booking__partner")


def district(path: str):
    """The outward code of a normalised postcode ("LS8 1AB" -> "LS8"); "" if none."""
    postcode = F(path)
    return Case(
        When(
            **{f"{path}__contains": " "},
            then=Upper(Substr(postcode, 1, StrIndex(postcode, Value(" ")) - 1)),
        ),
        default=Value(""),
        output_field=CharField(),
    )


def group_by(by: str, paths: Paths) -> dict | None:
    """values() arguments {g: key, gl: label} for the dimension, or None when
    the dimension does not apply to the model (sessions have no area)."""
    a = paths.activity
    if by == "site":
        site = paths.site or f"{a}booking__room__site"
        return {"g": F(f"{site}_id"), "gl": F(f"{site}__name")}
    if by == "partner":
        partner = paths.partner or f"{a}partner"
        return {"g": F(f"{partner}_id"), "gl": F(f"{partner}__name")}
    if by == "category" and a:
        return {"g": F(f"{a}category"), "gl": F(f"{a}category")}
    if by == "area" and paths.household:
        return {"g": district(f"{paths.household}__postcode")}
    return None


class Counter:
    """Collects {row key: {figure: value}} and labels from grouped queries."""

    def __init__(self, by: str):
        self.by = by
        self.rows: dict[str, dict] = defaultdict(dict)
        self.labels: dict[str, str] = {}
        self.total: dict = {}
        self.applies: set[str] = set()  # figures counted per row

    def add(self, qs, paths: Paths, figures: dict, *, additive: bool = True):
        """Count `figures` (name: aggregate) over `qs` per row, and the total:
        the sum of the rows when `additive`, else one more query."""
        group = group_by(self.by, paths)
        if group is None:
            self.total.update(_zeros(qs.aggregate(**figures)))
            return
        for row in qs.values(**group).annotate(**figures).order_by():
            key = self._key(row)
            for name in figures:
                self.rows[key][name] = _plain(row[name])
        if additive:
            for name in figures:
                self.total[name] = sum(r.get(name, 0) for r in self.rows.values())
        else:
            self.total.update(_zeros(qs.aggregate(**figures)))
        self.applies.update(figures)

    def _key(self, row) -> str:
        key = "" if row["g"] is None else str(row["g"])
        label = row.get("gl", key) or NOT_KNOWN
        if self.by == "category":
            label = Activity.Category(key).label if key else NOT_KNOWN
        self.labels.setdefault(key, label)
        return key

    def set(self, key: str, name: str, value: int, label: str | None = None):
        self.labels.setdefault(key, label or key or NOT_KNOWN)
        self.rows[key][name] = value
        self.applies.add(name)

    def raw(self) -> tuple[list[tuple[str, str, dict]], dict]:
        """Rows (key, label, {figure: value or None}) in label order, and the
        total; None where a figure does not apply to the rows."""
        ordered = sorted(self.rows, key=lambda k: (k == "", self.labels[k].lower()))
        rows = [
            (key, self.labels[key], self._row_values(self.rows[key])) for key in ordered
        ]
        total = {c.key: self.total.get(c.key) for c in COLUMNS if c.kind != RATE}
        return rows, total

    def _row_values(self, values: dict) -> dict:
        return {
            c.key: values.get(c.key, 0) if c.key in self.applies else None
            for c in COLUMNS
            if c.kind != RATE
        }


def _zeros(values: dict) -> dict:
    return {k: _plain(v) for k, v in values.items()}


def _plain(value) -> int:
    """An aggregate as an int: 0 for none, whole minutes for a duration."""
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds() // 60)
    return value or 0


def impact_table(*, scope: Scope, period: Period, by: str, progress=None) -> Table:
    """The impact report of `scope` over `period`, one row per `by` group, as
    a reader may see it (small numbers suppressed). `progress(percent, step)`,
    if given, is told before each step (reports/background.py)."""
    figures = impact_figures(scope=scope, period=period, by=by, progress=progress)
    return build_table(COLUMNS, *figures)


def impact_figures(*, scope: Scope, period: Period, by: str, progress=None):
    """The raw figures (never shown as they are): see `Counter.raw`."""
    start, end = period.bounds()
    delivered_end = min(end, timezone.now())
    counter = Counter(by)
    tell = progress or (lambda percent, step: None)
    tell(5, "Counting sessions delivered")
    _sessions(counter, scope, start, delivered_end)
    tell(15, "Counting places taken")
    _places_taken(counter, scope, start, delivered_end)
    tell(25, "Counting attendance, households and children")
    _attendance(counter, scope, start, delivered_end)
    tell(80, "Counting referrals")
    _referrals(counter, scope, start, end)
    if scope.covers_rooms:
        tell(88, "Counting room hours")
        _rooms(counter, scope, period, start, end)
    return counter.raw()


def delivered(prefix: str, start, end) -> Q:
    """Sessions that ran: scheduled (not cancelled), started in [start, end)."""
    return Q(
        **{
            f"{prefix}status": Session.Status.SCHEDULED,
            f"{prefix}starts_at__gte": start,
            f"{prefix}starts_at__lt": end,
        }
    )


def _sessions(counter, scope, start, end):
    qs = Session.objects.filter(
        delivered("", start, end), scope.activity_filter("activity__")
    )
    counter.add(
        qs,
        SESSION,
        {"sessions": Count("pk"), "places_offered": Sum("activity__capacity")},
    )


def _signups(scope):
    return SignUp.objects.filter(
        scope.activity_filter("activity__"),
        scope.household_filter(household="household_id", activity="activity_id"),
        status=SignUp.Status.CONFIRMED,
    )


def _places_taken(counter, scope, start, end):
    """Confirmed places per delivered session: a whole-series sign-up holds its
    places at every session of the activity that ran, a single-session one at
    its own if it ran. Two queries: sessions that ran per activity, and places
    per (row, activity), multiplied here."""
    ran = dict(
        Session.objects.filter(
            delivered("", start, end), scope.activity_filter("activity__")
        )
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values_list("activity_id", "n")
        .order_by()
    )
    signups = _signups(scope).filter(
        Q(session__isnull=True, activity_id__in=list(ran))
        | delivered("session__", start, end)
    )
    group = group_by(counter.by, SIGNUP)
    places = {
        "series": Sum("places", filter=Q(session__isnull=True)),
        "single": Sum("places", filter=Q(session__isnull=False)),
    }
    rows = signups.values(**group, a=F("activity_id")).annotate(**places).order_by()
    total = 0
    for row in rows:
        taken = (row["series"] or 0) * ran.get(row["a"], 0) + (row["single"] or 0)
        values = counter.rows[counter._key(row)]
        values["places_taken"] = values.get("places_taken", 0) + taken
        total += taken
    counter.total["places_taken"] = total
    counter.applies.add("places_taken")


def _attended(scope, start, end):
    """Attended marks at sessions that ran, from the rollup (reports/rollup.py:
    one row per mark in ATTENDED_STATUSES, with its household and whether the
    member is a child, kept by the database in the mark's transaction)."""
    return AttendedMark.objects.filter(
        delivered("session__", start, end),
        scope.activity_filter("session__activity__"),
        scope.household_filter(
            household="household_id", activity="session__activity_id"
        ),
    )


# The attendance figures, from the attended-marks rollup in two statements
# (docs/reports.md, "Speed"):
#
# 1. Households: per session that ran and household that came to it, the
#    places attended and walk-ins (on PostgreSQL one small aggregate per
#    session, read from the rollup's covering index in household order: no
#    sort and no hash of every mark), then per (row key, household): its
#    sessions (one row each, so a count, not a DISTINCT that needs a sort),
#    places attended and walk-ins. Each session has one school, partner and
#    type, so a household's sessions in the whole scope are the sum over its
#    rows: the Total row comes from the same per-household rows, not a
#    second pass over the marks. Eligibility and postcode district are the
#    household's as they stand now, joined to those rows (a household has
#    one district, so by area the key comes from the household).
# 2. Children: distinct (row key, child) pairs, counted per row and, for the
#    total, as distinct children.
#
# Sessions that ran are materialised first (a few thousand rows with their
# row key) so each mark is joined once, not through activity, booking and
# room. On PostgreSQL both run with JIT compilation off (measured: it cost
# more than it saved).
HOUSEHOLD_FIGURES = [
    "households",
    "repeat_households",
    "places_attended",
    "walk_in_members",
    "fsm_households",
]
_SUMS = f"""COUNT(*), SUM(CASE WHEN x.n >= {REPEAT_SESSIONS} THEN 1 ELSE 0 END),
    SUM(x.booked), SUM(x.walked), SUM(hh.fsm)"""


def _attendance(counter, scope, start, end):
    by_area = counter.by == "area"
    sessions = Session.objects.filter(
        delivered("", start, end), scope.activity_filter("activity__")
    )
    key = Value(0) if by_area else group_by(counter.by, SESSION)["g"]
    ran = sessions.values(sid=F("id"), g=key).order_by()
    marks = AttendedMark.objects.filter(
        scope.household_filter(
            household="household_id", activity="session__activity_id"
        )
    ).values("session_id", "household_id", "member_id", "child", "walk_in")
    households = Household.objects.values(
        hid=F("id"),
        d=district("postcode"),
        fsm=Case(When(fsm_verified_at__isnull=False, then=Value(1)), default=Value(0)),
    ).order_by()
    (s_sql, s_params), (m_sql, m_params), (h_sql, h_params) = (
        qs.query.sql_with_params() for qs in (ran, marks.order_by(), households)
    )
    row_key = "hh.d" if by_area else "x.g"
    # A link worker's marks are filtered per (household, activity): checked
    # once over the marks, not once per session (3.6 s instead of 0.3).
    lateral = connection.vendor == "postgresql" and scope.referrer_id is None
    prefix = f"WITH s AS MATERIALIZED ({s_sql}), hh AS ({h_sql})"
    per_household = f"""{prefix},
        sh AS ({_per_session_household(m_sql, lateral)}),
        gh AS (
            SELECT g, hid, COUNT(*) AS n, SUM(booked) AS booked,
                SUM(walked) AS walked
            FROM sh GROUP BY g, hid)
        SELECT 0, {row_key}, {_SUMS}
        FROM gh AS x JOIN hh ON hh.hid = x.hid GROUP BY {row_key}
        UNION ALL
        SELECT 1, NULL, {_SUMS}
        FROM (SELECT hid, SUM(n) AS n, SUM(booked) AS booked,
                SUM(walked) AS walked FROM gh GROUP BY hid) AS x
        JOIN hh ON hh.hid = x.hid"""
    children = f"""{prefix},
        cm AS (
            SELECT s.g AS g, m.member_id AS mid, m.household_id AS hid
            FROM ({m_sql}) AS m JOIN s ON s.sid = m.session_id
            WHERE m.child
            GROUP BY s.g, m.member_id, m.household_id)
        SELECT 0, {"hh.d" if by_area else "cm.g"}, COUNT(*)
        FROM cm {"JOIN hh ON hh.hid = cm.hid" if by_area else ""}
        GROUP BY {"hh.d" if by_area else "cm.g"}
        UNION ALL
        SELECT 1, NULL, COUNT(DISTINCT mid) FROM cm"""
    params = [*s_params, *h_params, *m_params]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Planned at a cost where PostgreSQL compiles the query (JIT):
            # 0.46 s of compiling for a 1.9 s statement at a million marks
            # (docs/reports.md, "Speed"). Only for this transaction.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(per_household, params)
        for part, group, *values in cursor.fetchall():
            target = counter.total if part else counter.rows[counter._key({"g": group})]
            for name, value in zip(HOUSEHOLD_FIGURES, values, strict=True):
                target[name] = value or 0
        cursor.execute(children, params)
        for part, group, value in cursor.fetchall():
            target = counter.total if part else counter.rows[counter._key({"g": group})]
            target["children"] = value or 0
    counter.applies.update((*HOUSEHOLD_FIGURES, "children"))
    _walk_ins(counter, scope, start, end)


_BOOKED_WALKED = """SUM(CASE WHEN m.walk_in THEN 0 ELSE 1 END) AS booked,
    SUM(CASE WHEN m.walk_in THEN 1 ELSE 0 END) AS walked"""


def _per_session_household(m_sql: str, lateral: bool) -> str:
    """(row key, household, places attended, walk-ins) per session that ran
    and household that came to it. `lateral` (PostgreSQL): one small
    aggregate per session, as the covering index gives a session's marks in
    household order, so no sort and no hash of every mark. Otherwise (SQLite
    has no LATERAL) the joined marks are grouped."""
    if lateral:
        return f"""SELECT s.g AS g, x.hid AS hid, x.booked AS booked,
                x.walked AS walked
            FROM s CROSS JOIN LATERAL (
                SELECT m.household_id AS hid, {_BOOKED_WALKED}
                FROM ({m_sql}) AS m
                WHERE m.session_id = s.sid
                GROUP BY m.household_id) AS x"""
    return f"""SELECT s.g AS g, m.household_id AS hid, {_BOOKED_WALKED}
            FROM ({m_sql}) AS m JOIN s ON s.sid = m.session_id
            GROUP BY s.g, m.session_id, m.household_id"""


def _walk_ins(counter, scope, start, end):
    """Walk-ins: members of known households who came without a place, plus the
    people counted at the door who are not registered at all (no area)."""
    unregistered = {}
    if scope.referrer_id is None:
        qs = WalkInCount.objects.filter(
            delivered("session__", start, end),
            scope.activity_filter("session__activity__"),
        )
        group = group_by(counter.by, WALK_IN)
        if group is None:  # by area: people not registered have no postcode
            count = qs.aggregate(n=Sum("count"))["n"]
            if count:
                unregistered[""] = count
        else:
            for row in qs.values(**group).annotate(n=Sum("count")).order_by():
                unregistered[counter._key(row)] = row["n"] or 0
    for key in set(counter.rows) | set(unregistered):
        counter.labels.setdefault(key, NOT_KNOWN)
        values = counter.rows[key]
        values["walk_ins"] = values.pop("walk_in_members", 0) + unregistered.get(key, 0)
    counter.total["walk_ins"] = counter.total.pop("walk_in_members", 0) + sum(
        unregistered.values()
    )
    counter.applies.add("walk_ins")


def _referrals(counter, scope, start, end):
    """Referrals made in the period, and those after which a member of the
    household came to a session of the activity."""
    came = Attendance.objects.filter(
        member__household_id=OuterRef("household_id"),
        session__activity_id=OuterRef("activity_id"),
        session__status=Session.Status.SCHEDULED,
        session__starts_at__gte=OuterRef("created_at"),
        status__in=ATTENDED_STATUSES,
    )
    qs = Referral.objects.filter(
        scope.activity_filter("activity__"), created_at__gte=start, created_at__lt=end
    ).annotate(came=Exists(came))
    if scope.referrer_id is not None:
        qs = qs.filter(referred_by_id=scope.referrer_id)
    counter.add(
        qs,
        REFERRAL,
        {
            "referrals": Count("pk"),
            "referrals_attended": Count("pk", filter=Q(came=True)),
        },
    )


def _rooms(counter, scope, period, start, end):
    """Room hours let (approved lettings that run) and what the school waived."""
    slots = Slot.objects.filter(
        scope.slot_filter(),
        is_active=True,
        booking__status=Booking.Status.APPROVED,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    length = ExpressionWrapper(
        F("ends_at") - F("starts_at"), output_field=DurationField()
    )
    counter.add(
        slots,
        SLOT,
        {
            "hours_let": Sum(length),  # in minutes (see _plain)
            "free_value": Sum(F("full_price_pence") - F("price_pence")),
        },
    )
    if scope.covers_opening_hours:
        _hours_open(counter, scope, period)


def _hours_open(counter, scope, period):
    minutes = opening.room_minutes_open(sites=scope.opening_sites(), period=period)
    counter.total["hours_open"] = sum(m for _, m in minutes.values())
    if counter.by == "site":
        for site_id, (name, value) in minutes.items():
            counter.set(str(site_id), "hours_open", value, label=name)
