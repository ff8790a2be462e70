"""Counting places under a lock (invariant 2).

A "unit" is what places are counted on: the activity for whole-series
sign-ups, the session for single-session sign-ups. `unit_lock` must run inside
transaction.atomic(). PostgreSQL: SELECT ... FOR UPDATE on the unit's row, so
two sign-ups to one unit count and insert one after the other. SQLite:
select_for_update is a no-op, but settings open every transaction with BEGIN
IMMEDIATE, which takes the database write lock at the start.

`LOCKING` exists only so a test can switch the lock off and show that the
race then oversells (tests/activities/test_concurrency.py).

Holds: a paid place awaiting payment holds its places until
`hold_expires_at`. From that moment it is not counted (`holding_q`), so places
are right whether or not the release job has run; the services that write
under the lock first release expired holds in the unit and promote the
waitlist in order (`activities.services.signups.holds_release_expired`), so a
newcomer never jumps the queue for a place an expired hold gave back.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from activities.models import Activity, Session, SignUp

LOCKING = True
HOLDING = (SignUp.Status.CONFIRMED, SignUp.Status.AWAITING_PAYMENT)


@dataclass(frozen=True)
class Places:
    """Places taken and free in one unit. Referral places are kept back for
    referred households; a referral may also use general places."""

    capacity: int
    referral_places: int
    general_used: int
    referral_used: int

    @property
    def free_total(self) -> int:
        return max(0, self.capacity - self.general_used - self.referral_used)

    @property
    def free_general(self) -> int:
        overflow = max(0, self.referral_used - self.referral_places)
        general = self.capacity - self.referral_places
        return max(0, general - self.general_used - overflow)

    def fits(self, places: int, *, referral: bool) -> bool:
        return places <= (self.free_total if referral else self.free_general)


@dataclass(frozen=True)
class UnitState:
    """The unit's row as it is once locked: what a sign-up must re-check
    under the lock because another transaction may just have changed it."""

    activity_status: str
    session_status: str | None
    capacity: int
    referral_places: int


def unit_lock(*, activity: Activity, session: Session | None) -> UnitState:
    """Lock the unit's row until commit and read it fresh, in one query.
    Must run inside transaction.atomic().

    A session unit locks only the session's row (FOR UPDATE OF), reading its
    activity's status and places through the join."""
    if not connection.in_atomic_block:
        raise RuntimeError("unit_lock() outside a transaction")
    if session is not None:
        rows = Session.objects.filter(pk=session.pk)
        if LOCKING:
            rows = rows.select_for_update(of=("self",))
        a_status, s_status, places, kept = rows.values_list(
            "activity__status",
            "status",
            "activity__capacity",
            "activity__referral_places",
        ).get()
    else:
        rows = Activity.objects.filter(pk=activity.pk)
        if LOCKING:
            rows = rows.select_for_update()
        s_status = None
        a_status, places, kept = rows.values_list(
            "status", "capacity", "referral_places"
        ).get()
    return UnitState(
        activity_status=a_status,
        session_status=s_status,
        capacity=places,
        referral_places=kept,
    )


def holding_q(prefix: str = "") -> Q:
    """Sign-ups that hold places now: confirmed, or awaiting payment with a hold
    that has not yet expired. `prefix` for use across a relation ("signups__")."""
    return Q(**{f"{prefix}status": SignUp.Status.CONFIRMED}) | Q(
        **{
            f"{prefix}status": SignUp.Status.AWAITING_PAYMENT,
            f"{prefix}hold_expires_at__gt": timezone.now(),
        }
    )


def expired_holds_q(prefix: str = "") -> Q:
    """Holds past their time that no job has released yet."""
    return Q(
        **{
            f"{prefix}status": SignUp.Status.AWAITING_PAYMENT,
            f"{prefix}hold_expires_at__lte": timezone.now(),
        }
    )


def unit_signups(*, activity: Activity, session: Session | None):
    """Sign-ups that hold places in the unit."""
    return SignUp.objects.filter(activity=activity, session=session)


def places_in_unit(*, activity: Activity, session: Session | None) -> Places:
    """One query: places held by referred and other households in the unit."""
    holding = holding_q()
    totals = unit_signups(activity=activity, session=session).aggregate(
        general=Sum("places", filter=holding & Q(referral__isnull=True)),
        referral=Sum("places", filter=holding & Q(referral__isnull=False)),
    )
    return Places(
        capacity=activity.capacity,
        referral_places=activity.referral_places,
        general_used=totals["general"] or 0,
        referral_used=totals["referral"] or 0,
    )


@dataclass(frozen=True)
class UnitCount:
    """Everything a sign-up needs to know about its unit, from one query."""

    places: Places
    waiting: int  # waitlisted sign-ups in the unit
    expired: int  # holds past their time that nothing has released yet
    household_active: int  # the household's active sign-ups in the unit


# The one query run under the unit lock, written out so that no ORM
# compilation happens while other families queue on the lock (measured:
# docs/capacity-plan.md). Its meaning is holding_q()/expired_holds_q() above;
# tests/activities/test_unit_count.py holds the two together.
_UNIT_COUNT_SQL = """
SELECT
  SUM(places) FILTER (WHERE referral_id IS NULL AND {holding}),
  SUM(places) FILTER (WHERE referral_id IS NOT NULL AND {holding}),
  COUNT(*) FILTER (WHERE status = %(waitlisted)s),
  COUNT(*) FILTER (WHERE status = %(awaiting)s AND hold_expires_at <= %(now)s),
  COUNT(*) FILTER (WHERE household_id = %(household)s
                   AND status IN (%(confirmed)s, %(waitlisted)s, %(awaiting)s))
FROM activities_signup
WHERE activity_id = %(activity)s AND {session}
""".format(
    holding="(status = %(confirmed)s OR "
    "(status = %(awaiting)s AND hold_expires_at > %(now)s))",
    session="{session}",
)


def unit_count(
    *, activity: Activity, session: Session | None, state: UnitState, household_id
) -> UnitCount:
    """One aggregate over the unit's sign-ups, run under the unit lock: places
    held (general and referral), the waitlist's length, expired holds and the
    household's own active sign-ups."""
    params = {
        "confirmed": SignUp.Status.CONFIRMED,
        "awaiting": SignUp.Status.AWAITING_PAYMENT,
        "waitlisted": SignUp.Status.WAITLISTED,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "household": household_id,
        "activity": activity.pk,
        "session": session.pk if session else None,
    }
    where = "session_id IS NULL" if session is None else "session_id = %(session)s"
    with connection.cursor() as cursor:
        cursor.execute(_UNIT_COUNT_SQL.format(session=where), params)
        general, referral, waiting, expired, mine = cursor.fetchone()
    return UnitCount(
        places=Places(
            capacity=state.capacity,
            referral_places=state.referral_places,
            general_used=general or 0,
            referral_used=referral or 0,
        ),
        waiting=waiting,
        expired=expired,
        household_active=mine,
    )


def waitlist_position(*, signup: SignUp) -> int | None:
    """1-based place in the queue of the sign-up's unit, or None."""
    if signup.status != SignUp.Status.WAITLISTED:
        return None
    return (
        unit_signups(activity=signup.activity, session=signup.session)
        .filter(status=SignUp.Status.WAITLISTED, pk__lte=signup.pk)
        .count()
    )
