"""Signing up, cancelling, declining and promoting from the waitlist.

Every write that changes who holds a place locks the unit first
(activities.capacity.unit_lock) and counts places inside the lock.

Paid places (docs/paid-activities.md): with card payments on, a paid place is
held as awaiting_payment until `hold_expires_at`; payments.signup_payments
confirms it when the card payment succeeds. Expired holds are released here,
under the lock, before anything is counted, and the waitlist promoted in order.
With card payments off a paid place is confirmed at once and paid on the day
(the partner records the payment).
"""

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from activities import capacity, pricing, signals, tasks
from activities.errors import Conflict, DomainError, PermissionDenied, StateError
from activities.models import (
    Activity,
    Household,
    HouseholdMember,
    Referral,
    Session,
    SignUp,
)
from hub.audit import audit_record, audit_record_many
from hub.rules import require_perm

Status = SignUp.Status
# How a sign-up ends: the family cancels it, or declines a place it was offered.
ENDINGS = {Status.CANCELLED: "signup.cancelled", Status.DECLINED: "signup.declined"}


# A family promoted from the waitlist learns of its place by email, so its
# hold is longer than the minutes a family at the checkout gets.
PROMOTION_HOLD = dt.timedelta(hours=24)


def card_payments_enabled() -> bool:
    """The same switch as payments.gateway (settings.USE_STRIPE)."""
    return bool(settings.USE_STRIPE)


def hold_until(*, promoted: bool = False) -> dt.datetime:
    minutes = dt.timedelta(minutes=settings.PAYMENT_HOLD_MINUTES)
    return timezone.now() + (max(minutes, PROMOTION_HOLD) if promoted else minutes)


@dataclass(frozen=True)
class SignUpResult:
    signup: SignUp
    position: int | None

    @property
    def message(self) -> str:
        if self.signup.status == Status.AWAITING_PAYMENT:
            return "We are holding your place while you pay. Pay now to confirm it."
        if self.position is None:
            return "You have a place. We have emailed you the details."
        return f"This activity is full: you are number {self.position} on the waitlist."


@transaction.atomic
def signup_create(
    *,
    household: Household,
    activity: Activity,
    members: list[HouseholdMember],
    session: Session | None = None,
    created_by,
) -> SignUpResult:
    """Sign `members` of `household` up to the series or to one `session`.

    Gets a confirmed place if the unit has room for all of them, otherwise a
    waitlist place (first come, first served).

    Two phases, so the unit's lock is held for as little as possible (a
    launch-day rush queues on it; docs/capacity-plan.md): every check that
    does not depend on other families' sign-ups runs first, unlocked; then,
    under the lock, one query re-reads the unit's row, one counts its
    places, and the sign-up, its members and its audit entry are written.
    """
    require_perm(
        created_by,
        "activities.sign_up",
        household,
        message="You can only sign up your own household.",
    )
    members = list({m.pk: m for m in members}.values())  # each person once
    _check_unit(activity, session)
    dates = _unit_dates(activity, session)
    _check_open(activity, session, dates)
    _check_members(activity, household, members, session, dates)
    referral = _check_eligibility(activity, household)
    amount = pricing.signup_amount(
        activity=activity,
        household=household,
        members=members,
        sessions=1 if session else dates.left,
    )
    # Under the unit's lock from here to commit.
    state = capacity.unit_lock(activity=activity, session=session)
    _check_still_open(state)
    count = _count(activity, session, state, household)
    if count.household_active:
        raise Conflict(
            "Your household is already signed up to this. Cancel that sign-up first to change who is coming."
        )
    confirmed = count.places.fits(len(members), referral=referral is not None)
    status = Status.CONFIRMED if confirmed else Status.WAITLISTED
    held = confirmed and amount > 0 and card_payments_enabled()
    signup = SignUp.objects.create(
        household=household,
        activity=activity,
        session=session,
        places=len(members),
        status=Status.AWAITING_PAYMENT if held else status,
        hold_expires_at=hold_until() if held else None,
        amount_pence=amount,
        referral=referral,
        created_by=created_by,
    )
    SignUp.members.through.objects.bulk_create(
        SignUp.members.through(signup=signup, householdmember=m) for m in members
    )
    audit_record(
        actor=created_by,
        action="signup.created",
        obj=signup,
        changes={
            "status": [None, signup.status],
            "places": [None, signup.places],
            "amount_pence": [None, amount],
        },
    )
    if referral is not None:
        _use_referral(referral, signup, created_by)
    # Under the lock every waitlisted sign-up in the unit came before this one.
    position = None if confirmed else count.waiting + 1
    # What the answer shows, known here without asking again (SignUpOutput):
    # its place in the queue, who is coming, and that no date is cancelled yet.
    signup.position = position
    signup.chosen_member_ids = [m.pk for m in members]
    signup.just_created = True
    if not held:  # a held place is emailed when paid (the receipt)
        kind = "confirmed" if confirmed else "waitlisted"
        transaction.on_commit(lambda: tasks.send_signup_email.delay(signup.pk, kind))
    return SignUpResult(signup=signup, position=position)


def _count(activity, session, state, household) -> capacity.UnitCount:
    """Count the unit under its lock, first releasing holds whose time has
    passed (so a newcomer never jumps the queue for a place they give back)."""
    count = capacity.unit_count(
        activity=activity, session=session, state=state, household_id=household.pk
    )
    if count.expired:
        holds_release_expired(activity=activity, session=session)
        count = capacity.unit_count(
            activity=activity, session=session, state=state, household_id=household.pk
        )
    return count


def _use_referral(referral: Referral, signup: SignUp, actor) -> None:
    """Mark the referral used; it must still be open (a link worker may have
    withdrawn it while the family was signing up)."""
    used = Referral.objects.filter(pk=referral.pk, status=Referral.Status.OPEN).update(
        status=Referral.Status.USED, updated_at=timezone.now()
    )
    if not used:
        raise Conflict(
            "Your referral to this activity was withdrawn a moment ago. Ask your link worker."
        )
    referral.status = Referral.Status.USED
    audit_record(
        actor=actor,
        action="referral.used",
        obj=referral,
        reason=f"sign-up #{signup.pk}",
        changes={"status": ["open", "used"]},
    )


@dataclass(frozen=True)
class UnitDates:
    """When the unit's sessions run, from one query (None when none)."""

    last_start: dt.datetime | None  # the last scheduled session's start
    first_upcoming: dt.datetime | None  # the next scheduled session's start
    left: int  # scheduled sessions still to come


def _unit_dates(activity: Activity, session: Session | None) -> UnitDates:
    if session is not None:
        upcoming = session.starts_at > timezone.now()
        return UnitDates(
            last_start=session.starts_at,
            first_upcoming=session.starts_at,
            left=1 if upcoming else 0,
        )
    if hasattr(activity, "unit_left"):  # read with the activity
        return UnitDates(
            last_start=activity.unit_last_start,
            first_upcoming=activity.unit_first_upcoming,
            left=activity.unit_left,
        )
    scheduled = activity.sessions.filter(status=Session.Status.SCHEDULED)
    now = timezone.now()
    found = scheduled.aggregate(
        last_start=Max("starts_at"),
        first_upcoming=Min("starts_at", filter=Q(starts_at__gt=now)),
        left=Count("pk", filter=Q(starts_at__gt=now)),
    )
    return UnitDates(**found)


def _zone(activity: Activity) -> ZoneInfo:
    """The site's zone; read through the join unless the selector annotated it
    (selectors.activity_for_signup)."""
    name = getattr(activity, "site_timezone", None)
    return ZoneInfo(name) if name else activity.booking.room.site.zoneinfo


def _check_unit(activity: Activity, session: Session | None) -> None:
    if activity.is_series and session is not None:
        raise DomainError(
            "This activity is booked as a whole series: sign up without choosing a session.",
            field="session",
        )
    if not activity.is_series and session is None:
        raise DomainError("Choose which session to sign up to.", field="session")
    if session is not None and session.activity_id != activity.pk:
        raise DomainError("That session belongs to another activity.", field="session")


def _check_open(activity: Activity, session: Session | None, dates: UnitDates) -> None:
    now = timezone.now()
    if activity.status != Activity.Status.PUBLISHED:
        raise StateError("This activity is not open for sign-ups.")
    if session is not None and session.status != Session.Status.SCHEDULED:
        raise StateError("That session is cancelled.", field="session")
    if activity.signup_opens_at and now < activity.signup_opens_at:
        zone = _zone(activity)
        opens = timezone.localtime(activity.signup_opens_at, zone)
        raise DomainError(
            f"Sign-up opens on {opens:%-d %B %Y at %H:%M}. Please come back then."
        )
    if activity.signup_closes_at and now >= activity.signup_closes_at:
        raise DomainError("Sign-up for this activity has closed.")
    if dates.last_start is None or dates.last_start <= now:
        raise DomainError("This activity has no sessions left to sign up to.")


def _check_still_open(state: capacity.UnitState) -> None:
    """The same refusals as _check_open, on the row read under the lock: the
    activity or session may have been cancelled since the first check."""
    if state.activity_status != Activity.Status.PUBLISHED:
        raise StateError("This activity is not open for sign-ups.")
    if state.session_status not in (None, Session.Status.SCHEDULED):
        raise StateError("That session is cancelled.", field="session")


def _check_members(activity, household, members, session, dates: UnitDates) -> None:
    if not members:
        raise DomainError("Choose at least one person to sign up.", field="members")
    if any(m.household_id != household.pk for m in members):
        raise PermissionDenied(
            "You can only sign up members of your own household.", field="members"
        )
    limit = activity.max_places_per_household
    if limit and len(members) > limit:
        raise DomainError(
            f"Each family can book at most {limit} places for this activity. Choose fewer people.",
            field="members",
        )
    if activity.audience == Activity.Audience.CHILDREN and any(
        m.kind == HouseholdMember.Kind.CARER for m in members
    ):
        raise DomainError(
            "This activity is for children only: do not choose adults.",
            field="members",
        )
    if activity.min_age is not None or activity.max_age is not None:
        zone = _zone(activity)
        day = timezone.localtime(dates.first_upcoming or dates.last_start, zone).date()
        _check_ages(activity, members, day)


def _check_ages(activity: Activity, members, day) -> None:
    low, high = activity.min_age, activity.max_age
    for member in members:
        if member.kind != HouseholdMember.Kind.CHILD:
            continue
        age = member.age_on(day)
        too_young = low is not None and (age is None or age < low)
        too_old = high is not None and (age is None or age > high)
        if too_young or too_old:
            raise DomainError(
                f"{member.first_name} is {age} on {day:%-d %B %Y}: this activity is "
                f"for children aged {_age_range(activity)}.",
                field="members",
            )


def _age_range(activity: Activity) -> str:
    low, high = activity.min_age, activity.max_age
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"{low} and over" if low is not None else f"up to {high}"


def _check_eligibility(activity: Activity, household: Household) -> Referral | None:
    referral = _open_referral(activity, household)
    if activity.eligibility == Activity.Eligibility.REFERRAL and referral is None:
        raise PermissionDenied(
            "This activity is by referral only. Ask your link worker or school to refer you."
        )
    if activity.eligibility == Activity.Eligibility.ELIGIBLE and not (
        household.is_fsm_eligible or referral
    ):
        raise PermissionDenied(
            "This activity is for families eligible for free school meals. Ask the "
            "school office or your link worker to confirm your eligibility."
        )
    return referral


def _open_referral(activity: Activity, household: Household) -> Referral | None:
    """The household's open referral to the activity (the newest), from the
    id read with the activity when there (selectors.activity_for_signup)."""
    if getattr(activity, "referral_household_id", None) == household.pk:
        if activity.open_referral_id is None:
            return None
        return Referral.objects.filter(pk=activity.open_referral_id).first()
    return Referral.objects.filter(
        activity=activity, household=household, status=Referral.Status.OPEN
    ).first()


@transaction.atomic
def signup_cancel(
    *, signup: SignUp, cancelled_by, kind: str = Status.CANCELLED, reason: str = ""
) -> SignUp:
    """End a place or a waitlist place: the family cancels it (`kind`
    CANCELLED) or declines a place it was promoted to (DECLINED). Frees the
    places and promotes whoever now fits. The one path for both."""
    if kind not in ENDINGS:
        raise DomainError("A sign-up can only be cancelled or declined.", field="kind")
    require_perm(
        cancelled_by,
        "activities.cancel_signup",
        signup,
        message="You can only change your own household's sign-ups.",
    )
    capacity.unit_lock(activity=signup.activity, session=signup.session)
    holds_release_expired(activity=signup.activity, session=signup.session)
    signup = SignUp.objects.select_related("household", "activity").get(pk=signup.pk)
    if not signup.is_active:
        raise StateError(
            f"This sign-up is already {signup.get_status_display().lower()}."
        )
    before, held = signup.status, signup.status in capacity.HOLDING
    signup.status, signup.cancelled_at = kind, timezone.now()
    signup.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_record(
        actor=cancelled_by,
        action=ENDINGS[kind],
        obj=signup,
        reason=reason,
        changes={"status": [before, kind]},
    )
    signals.signup_ended.send(
        sender=SignUp, signup=signup, actor=cancelled_by, previous=before
    )
    if held:
        waitlist_promote(
            activity=signup.activity,
            session=signup.session,
            reason=f"place freed by {_ended(kind)} of sign-up #{signup.pk}",
        )
    return signup


@transaction.atomic
def signup_remove_member(
    *, signup: SignUp, member: HouseholdMember, cancelled_by, reason: str = ""
) -> SignUp:
    """Cancel one person's place in a sign-up and keep the others'.

    The sign-up takes one place fewer and whoever now fits on the waitlist is
    promoted, in order (the sign-up itself, if it was waiting and now fits). If `member` is the only person left, the whole sign-up
    is cancelled (signup_cancel: a paid place is refunded per policy). A paid
    sign-up's amount drops by that person's share (pricing.member_share) and
    `signals.signup_reduced` tells payments, which refunds what the policy
    allows for that place in this transaction (docs/paid-activities.md)."""
    require_perm(
        cancelled_by,
        "activities.cancel_signup",
        signup,
        message="You can only change your own household's sign-ups.",
    )
    capacity.unit_lock(activity=signup.activity, session=signup.session)
    holds_release_expired(activity=signup.activity, session=signup.session)
    signup = SignUp.objects.select_related("household", "activity").get(pk=signup.pk)
    if not signup.is_active:
        raise StateError(
            f"This sign-up is already {signup.get_status_display().lower()}."
        )
    members = list(signup.members.all())
    if member.pk not in {m.pk for m in members}:
        raise DomainError(
            f"{member.first_name} is not in this sign-up. Choose someone who is.",
            field="who",
        )
    if len(members) == 1:
        return signup_cancel(signup=signup, cancelled_by=cancelled_by, reason=reason)
    before, amount_before = signup.places, signup.amount_pence
    share = pricing.member_share(
        activity=signup.activity,
        amount_pence=amount_before,
        members=members,
        member=member,
    )
    signup.members.remove(member)
    signup.places, signup.amount_pence = before - 1, amount_before - share
    signup.save(update_fields=["places", "amount_pence", "updated_at"])
    changes = {"places": [before, signup.places], "member": [member.pk, None]}
    if share:
        changes["amount_pence"] = [amount_before, signup.amount_pence]
    audit_record(
        actor=cancelled_by,
        action="signup.member_removed",
        obj=signup,
        reason=reason or f"{member.first_name} no longer coming",
        changes=changes,
    )
    if share:
        signals.signup_reduced.send(
            sender=SignUp,
            signup=signup,
            actor=cancelled_by,
            member=member,
            removed_pence=share,
        )
    # A held place frees one for the waitlist; a waitlisted sign-up, one
    # person smaller, may now fit the places nobody could take.
    waitlist_promote(
        activity=signup.activity,
        session=signup.session,
        reason=f"place freed by one person leaving sign-up #{signup.pk}"
        if signup.status in capacity.HOLDING
        else f"sign-up #{signup.pk} fits now that one person has left it",
    )
    return signup


def _ended(kind: str) -> str:
    return "cancellation" if kind == Status.CANCELLED else "decline"


def waitlist_promote(
    *, activity: Activity, session: Session | None, reason: str
) -> list[int]:
    """Promote, in arrival order, every waitlisted household that now fits.

    The system does this (audit actor None), with `reason` saying what freed
    the places. Called only by services, with the unit locked inside their
    transaction. A family too big for the free places keeps its position; a
    smaller one behind it that fits is promoted.
    """
    activity = Activity.objects.get(pk=activity.pk)
    places = capacity.places_in_unit(activity=activity, session=session)
    promoted = []
    waiting = capacity.unit_signups(activity=activity, session=session).filter(
        status=Status.WAITLISTED
    )
    for signup in waiting.select_related("household", "activity").order_by("pk"):
        referral = signup.referral_id is not None
        if places.fits(signup.places, referral=referral):
            promoted.append(signup)
            places = _take(places, signup.places, referral=referral)
    paid = [s for s in promoted if s.amount_pence > 0 and card_payments_enabled()]
    free = [s for s in promoted if s not in paid]
    _promote(free, Status.CONFIRMED, None, reason, "promoted")
    _promote(
        paid, Status.AWAITING_PAYMENT, hold_until(promoted=True), reason, "promoted_pay"
    )
    return [s.pk for s in promoted]


def _promote(signups, status, hold, reason: str, email: str) -> None:
    if not signups:
        return
    SignUp.objects.filter(pk__in=[s.pk for s in signups]).update(
        status=status, hold_expires_at=hold, promoted_at=timezone.now()
    )
    audit_record_many(
        actor=None,
        action="signup.promoted",
        objs=signups,
        reason=reason,
        changes={"status": [Status.WAITLISTED, status]},
    )
    for signup in signups:
        transaction.on_commit(
            lambda pk=signup.pk: tasks.send_signup_email.delay(pk, email)
        )


def holds_release_expired(*, activity: Activity, session: Session | None) -> list[int]:
    """Release the unit's holds whose time has passed (status expired) and
    promote the waitlist into the places, in order. Must run with the unit
    locked (capacity.unit_lock) inside the caller's transaction. The system
    does this (audit actor None). Returns the released sign-ups' ids."""
    expired = list(
        capacity.unit_signups(activity=activity, session=session)
        .filter(capacity.expired_holds_q())
        .order_by("pk")
    )
    if not expired:
        return []
    SignUp.objects.filter(pk__in=[s.pk for s in expired]).update(
        status=Status.EXPIRED, cancelled_at=timezone.now()
    )
    audit_record_many(
        actor=None,
        action="signup.hold_expired",
        objs=expired,
        reason="not paid before the hold ended",
        changes={"status": [Status.AWAITING_PAYMENT, Status.EXPIRED]},
    )
    for signup in expired:
        signup.status = Status.EXPIRED
        signals.signup_ended.send(
            sender=SignUp, signup=signup, actor=None, previous=Status.AWAITING_PAYMENT
        )
        transaction.on_commit(
            lambda pk=signup.pk: tasks.send_signup_email.delay(pk, "expired")
        )
    waitlist_promote(
        activity=activity,
        session=session,
        reason=f"places freed by unpaid holds {', '.join(f'#{s.pk}' for s in expired)}",
    )
    return [s.pk for s in expired]


def holds_release_all_expired() -> int:
    """The scheduled job: release every expired hold, one unit per transaction.
    Idempotent; safe beside the on-demand release in the services."""
    units = (
        SignUp.objects.filter(capacity.expired_holds_q())
        .values_list("activity_id", "session_id")
        .distinct()
    )
    released = 0
    for activity_id, session_id in list(units):
        with transaction.atomic():
            activity = Activity.objects.get(pk=activity_id)
            session = Session.objects.get(pk=session_id) if session_id else None
            capacity.unit_lock(activity=activity, session=session)
            released += len(holds_release_expired(activity=activity, session=session))
    return released


def _take(places: capacity.Places, count: int, *, referral: bool) -> capacity.Places:
    if referral:
        return replace(places, referral_used=places.referral_used + count)
    return replace(places, general_used=places.general_used + count)
