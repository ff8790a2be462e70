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

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
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
    Referral,
    Session,
    SignUp,
    WalkInCount,
)
from bookings.models import Booking, Slot
from reports import opening
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
ATTENDANCE = Paths("session__activity__", "member__household")
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


def impact_table(*, scope: Scope, period: Period, by: str) -> Table:
    """The impact report of `scope` over `period`, one row per `by` group, as
    a reader may see it (small numbers suppressed)."""
    return build_table(COLUMNS, *impact_figures(scope=scope, period=period, by=by))


def impact_figures(*, scope: Scope, period: Period, by: str):
    """The raw figures (never shown as they are): see `Counter.raw`."""
    start, end = period.bounds()
    delivered_end = min(end, timezone.now())
    counter = Counter(by)
    _sessions(counter, scope, start, delivered_end)
    _places_taken(counter, scope, start, delivered_end)
    _attendance(counter, scope, start, delivered_end)
    _referrals(counter, scope, start, end)
    if scope.covers_rooms:
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
    return Attendance.objects.filter(
        delivered("session__", start, end),
        scope.activity_filter("session__activity__"),
        scope.household_filter(
            household="member__household_id", activity="session__activity_id"
        ),
        status__in=ATTENDED_STATUSES,
    )


# Per household (in a row's group): its sessions, marks and children. A child
# belongs to one household, so summing a group's households' children counts
# each child once; so the group's figures come from one pass over the marks.
PER_HOUSEHOLD = {
    "n": Count("session_id", distinct=True),
    "booked": Count("pk", filter=Q(walk_in=False)),
    "walked": Count("pk", filter=Q(walk_in=True)),
    "kids": Count("member_id", distinct=True, filter=Q(member__kind="child")),
    "fsm": Max(
        Case(
            When(member__household__fsm_verified_at__isnull=False, then=Value(1)),
            default=Value(0),
        )
    ),
}
HOUSEHOLD_FIGURES = [
    ("households", "COUNT(*)"),
    ("repeat_households", f"SUM(CASE WHEN h.n >= {REPEAT_SESSIONS} THEN 1 ELSE 0 END)"),
    ("places_attended", "SUM(h.booked)"),
    ("walk_in_members", "SUM(h.walked)"),
    ("children", "SUM(h.kids)"),
    ("fsm_households", "SUM(h.fsm)"),
]


def _attendance(counter, scope, start, end):
    """Two passes over the marks: per row group, and for the total (a household
    may be in several schools, partners or types, so the total is not the
    rows' sum; by area it is, and one pass does)."""
    marks = _attended(scope, start, end)
    household = {"hh": F("member__household_id")}
    # Grouped by the key alone (the sort is narrower): the sessions' query has
    # already named every school, partner or type that has marks.
    group = {"g": group_by(counter.by, ATTENDANCE)["g"]}
    grouped = marks.values(**group, **household).annotate(**PER_HOUSEHOLD).order_by()
    for row in _per_group(grouped, "g"):
        key = counter._key({"g": row[0]})
        for (name, _), value in zip(HOUSEHOLD_FIGURES, row[1:], strict=True):
            counter.rows[key][name] = value or 0
    if counter.by == "area":  # each household is in one district: rows add up
        for name, _ in HOUSEHOLD_FIGURES:
            counter.total[name] = sum(r.get(name, 0) for r in counter.rows.values())
    else:
        overall = marks.values(**household).annotate(**PER_HOUSEHOLD).order_by()
        for (name, _), value in zip(
            HOUSEHOLD_FIGURES, _per_group(overall, None)[0][1:], strict=True
        ):
            counter.total[name] = value or 0
    counter.applies.update(name for name, _ in HOUSEHOLD_FIGURES)
    _walk_ins(counter, scope, start, end)


def _per_group(qs, column: str | None) -> list[tuple]:
    """HOUSEHOLD_FIGURES summed over the per-household rows of `qs`, per
    `column` (or over all rows): one SQL statement around the queryset's."""
    sql, params = qs.query.sql_with_params()
    sums = ", ".join(expression for _, expression in HOUSEHOLD_FIGURES)
    if column is None:
        query = f"SELECT NULL, {sums} FROM ({sql}) AS h"
    else:
        query = f'SELECT h."{column}", {sums} FROM ({sql}) AS h GROUP BY h."{column}"'
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


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
