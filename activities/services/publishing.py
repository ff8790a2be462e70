"""Partners publish activities on their approved bookings, and cancel them.

Every service checks the actor's permission itself (hub.rules.require_perm) and
writes one audit entry per object it changes, in its own transaction.
"""

from django.db import transaction
from django.utils import timezone

from activities import signals, tasks
from activities.errors import DomainError, StateError
from activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    REASON_MAX_LENGTH,
    Activity,
    Session,
    SignUp,
)
from bookings.models import Booking, Slot
from hub.audit import audit_record, audit_record_many, diff, snapshot
from hub.rules import require_perm

EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "audience",
    "min_age",
    "max_age",
    "capacity",
    "eligibility",
    "signup_mode",
    "signup_opens_at",
    "signup_closes_at",
    "referral_places",
    "max_places_per_household",
    "accessibility_info",
    "what_to_bring",
    "languages",
    "price_pence",
    "price_basis",
    "price_covers",
    "free_for_eligible",
    "refund_days_before",
)


@transaction.atomic
def activity_create(
    *,
    booking: Booking,
    created_by,
    slot_ids: list[int] | None = None,
    publish: bool = False,
    **fields,
) -> Activity:
    """A draft (or published) activity with one session per chosen slot of an
    approved booking (all its future approved slots when `slot_ids` is None)."""
    require_perm(
        created_by,
        "activities.publish_on_booking",
        booking,
        message="You can only publish activities on your own organisation's bookings.",
    )
    _check_booking_approved(booking)
    slots = _chosen_slots(booking, slot_ids)
    status = Activity.Status.PUBLISHED if publish else Activity.Status.DRAFT
    activity = Activity(
        partner=booking.partner,
        booking=booking,
        created_by=created_by,
        status=status,
        **_pick(fields),
    )
    _validate(activity)
    activity.save()
    sessions = Session.objects.bulk_create(
        Session(activity=activity, slot=s, starts_at=s.starts_at, ends_at=s.ends_at)
        for s in slots
    )
    action = "activity.published" if publish else "activity.created"
    audit_record(actor=created_by, action=action, obj=activity)
    audit_record_many(actor=created_by, action="session.created", objs=sessions)
    return activity


def _pick(fields: dict) -> dict:
    for name in fields:
        if name not in EDITABLE_FIELDS:
            raise DomainError(f"{name} cannot be set here.", field=name)
    return fields


def _check_booking_approved(booking: Booking) -> None:
    if booking.status != Booking.Status.APPROVED:
        raise DomainError(
            f"This booking is {booking.get_status_display().lower()}: activities "
            "can only run in approved bookings.",
            field="booking",
        )


def _chosen_slots(booking: Booking, slot_ids) -> list[Slot]:
    qs = booking.slots.filter(is_active=True, starts_at__gt=timezone.now())
    if slot_ids is not None:
        chosen = list(qs.filter(pk__in=slot_ids))
        if len(chosen) != len(set(slot_ids)):
            raise DomainError(
                "Choose only future dates of this booking that are approved.",
                field="slot_ids",
            )
        return chosen
    slots = list(qs)
    if not slots:
        raise DomainError("This booking has no future approved dates.", field="booking")
    return slots


def _validate(activity: Activity) -> None:
    """The rules the form and serializer cannot see (the room's size), and the
    database constraints again, in plain English, for callers without a form."""
    room = activity.booking.room
    if activity.capacity is not None and activity.capacity < 1:
        raise DomainError("Places must be 1 or more.", field="capacity")
    if activity.capacity and activity.capacity > room.capacity:
        raise DomainError(
            f"{room.name} holds at most {room.capacity} people. Lower the number of places.",
            field="capacity",
        )
    if activity.referral_places > (activity.capacity or 0):
        raise DomainError(
            "Places kept for referrals cannot be more than the number of places.",
            field="referral_places",
        )
    low, high = activity.min_age, activity.max_age
    if low is not None and high is not None and high < low:
        raise DomainError(
            "The oldest age must be the same as or more than the youngest age.",
            field="max_age",
        )
    opens, closes = activity.signup_opens_at, activity.signup_closes_at
    if opens and closes and closes <= opens:
        raise DomainError(
            "Sign-up must close after it opens.", field="signup_closes_at"
        )
    activity.full_clean(exclude=["booking", "partner", "created_by"])


@transaction.atomic
def activity_update(
    *, activity: Activity, updated_by, reason: str = "", **fields
) -> Activity:
    """Change an activity's details. More places (or fewer kept back) promote
    waiting families at once."""
    require_perm(
        updated_by,
        "activities.change_activity",
        activity,
        message="You can only change your own organisation's activities.",
    )
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    before = snapshot(activity, EDITABLE_FIELDS)
    for name, value in _pick(fields).items():
        setattr(activity, name, value)
    if "capacity" in fields and fields["capacity"] < _held_max(activity):
        raise DomainError(
            "More places are already taken than that. Cancel sign-ups first.",
            field="capacity",
        )
    _validate(activity)
    activity.save()
    changes = diff(before, snapshot(activity, EDITABLE_FIELDS))
    audit_record(
        actor=updated_by,
        action="activity.updated",
        obj=activity,
        reason=reason,
        changes=changes,
    )
    _promote_everywhere(activity)
    return activity


def _promote_everywhere(activity: Activity) -> None:
    """More places (or fewer kept for referrals): waiting families may fit now.
    The activity row is locked (the series unit); lock the sessions too."""
    from activities.services.signups import waitlist_promote

    why = f"places freed by a change to activity #{activity.pk}"
    if activity.is_series:
        waitlist_promote(activity=activity, session=None, reason=why)
        return
    for session in Session.objects.select_for_update().filter(activity=activity):
        waitlist_promote(activity=activity, session=session, reason=why)


def _held_max(activity: Activity) -> int:
    from activities.capacity import places_in_unit

    units = [None] if activity.is_series else list(activity.sessions.all())
    held = [places_in_unit(activity=activity, session=u) for u in units]
    return max((p.general_used + p.referral_used for p in held), default=0)


@transaction.atomic
def activity_publish(*, activity: Activity, published_by) -> Activity:
    require_perm(
        published_by,
        "activities.change_activity",
        activity,
        message="You can only publish your own organisation's activities.",
    )
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != Activity.Status.DRAFT:
        raise StateError(f"This activity is {activity.status}, not a draft.")
    if activity.booking.status != Booking.Status.APPROVED:
        raise DomainError("The room booking is no longer approved.", field="booking")
    activity.status = Activity.Status.PUBLISHED
    activity.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=published_by,
        action="activity.published",
        obj=activity,
        changes={"status": ["draft", "published"]},
    )
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, cancelled_by, reason: str) -> Activity:
    """Cancel the whole activity, its sessions and every active sign-up; tell
    the families. One audit entry for each of them, with the reason."""
    require_perm(
        cancelled_by,
        "activities.change_activity",
        activity,
        message="You can only cancel your own organisation's activities.",
    )
    _check_reason(reason, "Tell families why it is cancelled.")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status == Activity.Status.CANCELLED:
        raise StateError("This activity is already cancelled.")
    before = activity.status
    activity.status, activity.cancel_reason = Activity.Status.CANCELLED, reason
    activity.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit_record(
        actor=cancelled_by,
        action="activity.cancelled",
        obj=activity,
        reason=reason,
        changes={"status": [before, "cancelled"]},
    )
    sessions = activity.sessions.filter(status=Session.Status.SCHEDULED)
    _cancel_sessions(list(sessions), actor=cancelled_by, reason=reason)
    signups = _cancel_signups(
        activity.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES),
        actor=cancelled_by,
        reason=reason,
    )
    transaction.on_commit(lambda: tasks.send_cancellation_email.delay(signups, reason))
    return activity


def _cancel_sessions(sessions: list[Session], *, actor, reason: str) -> None:
    Session.objects.filter(pk__in=[s.pk for s in sessions]).update(
        status=Session.Status.CANCELLED, cancel_reason=reason[:REASON_MAX_LENGTH]
    )
    audit_record_many(
        actor=actor,
        action="session.cancelled",
        objs=sessions,
        reason=reason,
        changes={"status": ["scheduled", "cancelled"]},
    )


def _cancel_signups(signups, *, actor, reason: str) -> list[int]:
    """Cancel these sign-ups (the activity or their session is off): one audit
    entry each. Returns their ids, for the email."""
    rows = list(signups.select_related("household", "activity"))
    SignUp.objects.filter(pk__in=[s.pk for s in rows]).update(
        status=SignUp.Status.CANCELLED, cancelled_at=timezone.now()
    )
    for status in {s.status for s in rows}:
        audit_record_many(
            actor=actor,
            action="signup.cancelled",
            objs=[s for s in rows if s.status == status],
            reason=reason,
            changes={"status": [status, "cancelled"]},
        )
    for signup in rows:  # payments refunds what was paid, in this transaction
        previous, signup.status = signup.status, SignUp.Status.CANCELLED
        signals.signup_ended.send(
            sender=SignUp,
            signup=signup,
            actor=actor,
            previous=previous,
            by_organiser=True,
        )
    return [s.pk for s in rows]


@transaction.atomic
def session_cancel(*, session: Session, reason: str, cancelled_by) -> bool:
    """Cancel one session; idempotent (False if it was already cancelled).

    Single-session sign-ups to it are cancelled; whole-series households keep
    their place and are told this date is off. Everyone signed up is emailed.
    """
    require_perm(
        cancelled_by,
        "activities.change_activity",
        session.activity,
        message="You can only cancel your own organisation's sessions.",
    )
    _check_reason(reason, "Tell families why the session is cancelled.")
    return _session_cancel(session, reason=reason, actor=cancelled_by)


def _check_reason(reason: str, missing: str) -> None:
    if not reason.strip():
        raise DomainError(missing, field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(
            f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer.",
            field="reason",
        )


def _session_cancel(session: Session, *, reason: str, actor) -> bool:
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        return False
    _cancel_sessions([session], actor=actor, reason=reason)
    own = _cancel_signups(
        session.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES),
        actor=actor,
        reason=reason,
    )
    series = list(
        SignUp.objects.filter(
            activity_id=session.activity_id,
            session__isnull=True,
            status__in=("confirmed", "awaiting_payment"),
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(
        lambda: tasks.send_cancellation_email.delay(own + series, reason, session.pk)
    )
    return True


@transaction.atomic
def sessions_cancel_for_slots(*, slot_ids: list[int], reason: str) -> int:
    """Receiver side of bookings.signals.slots_cancelled: the system (actor
    None) cancels the sessions in those room slots. Idempotent."""
    sessions = Session.objects.filter(
        slot_id__in=slot_ids, status=Session.Status.SCHEDULED
    )
    return sum(_session_cancel(s, reason=reason, actor=None) for s in sessions)
