"""Partners publish activities on their approved bookings, and cancel them."""

from django.db import transaction
from django.utils import timezone

from activities import tasks
from activities.errors import DomainError, PermissionDenied, StateError
from activities.models import ACTIVE_SIGNUP_STATUSES, Activity, Session, SignUp
from bookings.models import Booking, Slot

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
    if not created_by.has_perm("activities.publish_on_booking", booking):
        raise PermissionDenied(
            "You can only publish activities on your own organisation's bookings.",
            field="booking",
        )
    if booking.status != Booking.Status.APPROVED:
        raise DomainError(
            f"This booking is {booking.get_status_display().lower()}: activities "
            "can only run in approved bookings.",
            field="booking",
        )
    slots = _chosen_slots(booking, slot_ids)
    activity = Activity(
        partner=booking.partner, booking=booking, created_by=created_by, **fields
    )
    _validate(activity)
    activity.save()
    Session.objects.bulk_create(
        Session(activity=activity, slot=s, starts_at=s.starts_at, ends_at=s.ends_at)
        for s in slots
    )
    if publish:
        activity_publish(activity=activity, published_by=created_by)
    return activity


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
    room = activity.booking.room
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
def activity_update(*, activity: Activity, updated_by, **fields) -> Activity:
    if not updated_by.has_perm("activities.change_activity", activity):
        raise PermissionDenied(
            "You can only change your own organisation's activities."
        )
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise DomainError(f"{name} cannot be changed.", field=name)
        setattr(activity, name, value)
    if "capacity" in fields and fields["capacity"] < _held_max(activity):
        raise DomainError(
            "More places are already taken than that. Cancel sign-ups first.",
            field="capacity",
        )
    _validate(activity)
    activity.save()
    _promote_everywhere(activity)
    return activity


def _promote_everywhere(activity: Activity) -> None:
    """More places (or fewer kept for referrals): waiting families may fit now.
    The activity row is locked (the series unit); lock the sessions too."""
    from activities.services.signups import waitlist_promote

    if activity.is_series:
        waitlist_promote(activity=activity, session=None)
        return
    for session in Session.objects.select_for_update().filter(activity=activity):
        waitlist_promote(activity=activity, session=session)


def _held_max(activity: Activity) -> int:
    from activities.capacity import places_in_unit

    units = [None] if activity.is_series else list(activity.sessions.all())
    held = [places_in_unit(activity=activity, session=u) for u in units]
    return max((p.general_used + p.referral_used for p in held), default=0)


@transaction.atomic
def activity_publish(*, activity: Activity, published_by) -> Activity:
    if not published_by.has_perm("activities.change_activity", activity):
        raise PermissionDenied(
            "You can only publish your own organisation's activities."
        )
    if activity.status != Activity.Status.DRAFT:
        raise StateError(f"This activity is {activity.status}, not a draft.")
    if activity.booking.status != Booking.Status.APPROVED:
        raise DomainError("The room booking is no longer approved.", field="booking")
    activity.status = Activity.Status.PUBLISHED
    activity.save(update_fields=["status", "updated_at"])
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, cancelled_by, reason: str) -> Activity:
    """Cancel the whole activity and every active sign-up; tell the families."""
    if not cancelled_by.has_perm("activities.change_activity", activity):
        raise PermissionDenied(
            "You can only cancel your own organisation's activities."
        )
    if not reason.strip():
        raise DomainError("Tell families why it is cancelled.", field="reason")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status == Activity.Status.CANCELLED:
        raise StateError("This activity is already cancelled.")
    activity.status, activity.cancel_reason = Activity.Status.CANCELLED, reason
    activity.save(update_fields=["status", "cancel_reason", "updated_at"])
    activity.sessions.update(status=Session.Status.CANCELLED, cancel_reason=reason)
    signups = list(
        activity.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES).values_list(
            "pk", flat=True
        )
    )
    SignUp.objects.filter(pk__in=signups).update(
        status=SignUp.Status.CANCELLED, cancelled_at=timezone.now()
    )
    transaction.on_commit(lambda: tasks.send_cancellation_email.delay(signups, reason))
    return activity


@transaction.atomic
def session_cancel(*, session: Session, reason: str, cancelled_by=None) -> bool:
    """Cancel one session; idempotent (False if it was already cancelled).

    Single-session sign-ups to it are cancelled; whole-series households keep
    their place and are told this date is off. Everyone signed up is emailed.
    `cancelled_by` None means the system (a room booking was cancelled).
    """
    if cancelled_by is not None and not cancelled_by.has_perm(
        "activities.change_activity", session.activity
    ):
        raise PermissionDenied("You can only cancel your own organisation's sessions.")
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        return False
    session.status, session.cancel_reason = Session.Status.CANCELLED, reason[:300]
    session.save(update_fields=["status", "cancel_reason"])
    own = list(
        session.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES).values_list(
            "pk", flat=True
        )
    )
    SignUp.objects.filter(pk__in=own).update(
        status=SignUp.Status.CANCELLED, cancelled_at=timezone.now()
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


def sessions_cancel_for_slots(*, slot_ids: list[int], reason: str) -> int:
    """Receiver side of bookings.signals.slots_cancelled. Idempotent."""
    sessions = Session.objects.filter(
        slot_id__in=slot_ids, status=Session.Status.SCHEDULED
    )
    return sum(session_cancel(session=s, reason=reason) for s in sessions)
