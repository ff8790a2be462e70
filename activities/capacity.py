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


def unit_lock(*, activity: Activity, session: Session | None) -> None:
    """Lock the unit's row until commit. Must run inside transaction.atomic()."""
    if not connection.in_atomic_block:
        raise RuntimeError("unit_lock() outside a transaction")
    if not LOCKING:
        return
    model, pk = (Session, session.pk) if session else (Activity, activity.pk)
    model.objects.select_for_update().filter(pk=pk).values_list("pk").first()


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


def waitlist_position(*, signup: SignUp) -> int | None:
    """1-based place in the queue of the sign-up's unit, or None."""
    if signup.status != SignUp.Status.WAITLISTED:
        return None
    return (
        unit_signups(activity=signup.activity, session=signup.session)
        .filter(status=SignUp.Status.WAITLISTED, pk__lte=signup.pk)
        .count()
    )
