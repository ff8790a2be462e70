"""One date of a whole-series sign-up: the family is not coming that day
(issue 13), or is coming after all.

A series is one unit of capacity (activities.capacity): its places hold every
date, and nobody can sign up to a single date of it. So the family keeps its
place, the date is not offered to anyone else, and nothing is refunded (the
school's manager may still refund by hand). What changes: that date's
register shows the family's people as cancelled for this date, they cannot be
marked absent there, so they never count as a no-show
(activities.services.referrals.session_register_member_ids leaves them out),
and the family is emailed. Decisions: docs/activities.md.
"""

from django.db import transaction
from django.utils import timezone

from activities import tasks
from activities.errors import Conflict, DomainError, NotFound, StateError
from activities.models import (
    REASON_MAX_LENGTH,
    Attendance,
    Session,
    SignUp,
    SignUpDateCancellation,
)
from hub.audit import audit_record
from hub.rules import require_perm

# A place on which a date can be given up: one the family holds.
PLACE_STATUSES = (SignUp.Status.CONFIRMED, SignUp.Status.AWAITING_PAYMENT)
OWN_ONLY = "You can only change your own household's sign-ups."


def _when(signup: SignUp, session: Session) -> str:
    zone = signup.activity.booking.room.site.zoneinfo
    start = timezone.localtime(session.starts_at, zone)
    return f"{start:%A %-d %B %Y} at {start:%H:%M}"


def _locked(signup: SignUp) -> SignUp:
    return (
        SignUp.objects.select_for_update(of=("self",))
        .select_related("activity__booking__room__site", "household")
        .get(pk=signup.pk)
    )


def _check_date(signup: SignUp, session: Session) -> None:
    if signup.session_id is not None:
        raise StateError(
            "This sign-up is for one date only: cancel the sign-up instead.",
            field="session_id",
        )
    if signup.status not in PLACE_STATUSES:
        raise StateError(
            f"This sign-up is {signup.get_status_display().lower()}: only a place "
            "you hold can be cancelled for one date.",
            field="session_id",
        )
    if session.activity_id != signup.activity_id:
        raise DomainError(
            "That date belongs to another activity. Choose one of this "
            "activity's dates.",
            field="session_id",
        )
    if session.status != Session.Status.SCHEDULED:
        raise StateError(
            "The organiser has already cancelled that date. Choose another date.",
            field="session_id",
        )
    if session.starts_at <= timezone.now():
        raise StateError(
            "That date has started or passed. You can only change dates still to come.",
            field="session_id",
        )


@transaction.atomic
def signup_cancel_date(
    *, signup: SignUp, session: Session, cancelled_by, reason: str = ""
) -> SignUpDateCancellation:
    """The household is not coming to `session`, one date of its whole-series
    place. Audited on the sign-up (`signup.date_cancelled`); the family is
    emailed after commit."""
    require_perm(cancelled_by, "activities.cancel_signup", signup, message=OWN_ONLY)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(
            f"Reason must be {REASON_MAX_LENGTH} characters or fewer.", field="reason"
        )
    signup = _locked(signup)
    _check_date(signup, session)
    when = _when(signup, session)
    if signup.cancelled_dates.filter(session=session).exists():
        raise Conflict(
            f"You have already told us you are not coming on {when}.",
            field="session_id",
        )
    members = list(signup.members.values_list("pk", flat=True))
    if Attendance.objects.filter(session=session, member_id__in=members).exists():
        raise StateError(
            f"The register for {when} has already been taken. Tell the organiser "
            "instead.",
            field="session_id",
        )
    cancelled = SignUpDateCancellation.objects.create(
        signup=signup, session=session, reason=reason, cancelled_by=cancelled_by
    )
    audit_record(
        actor=cancelled_by,
        action="signup.date_cancelled",
        obj=signup,
        reason=reason or f"not coming on {when}",
        changes={"cancelled_date": [None, session.pk]},
    )
    transaction.on_commit(
        lambda: tasks.send_date_email.delay(signup.pk, session.pk, "cancelled")
    )
    return cancelled


@transaction.atomic
def signup_restore_date(*, signup: SignUp, session: Session, restored_by) -> SignUp:
    """The household is coming to `session` after all (undoes
    signup_cancel_date while the date is still to come). The place was kept,
    so nothing else changes. Audited `signup.date_restored`; emailed."""
    require_perm(restored_by, "activities.cancel_signup", signup, message=OWN_ONLY)
    signup = _locked(signup)
    _check_date(signup, session)
    cancelled = signup.cancelled_dates.filter(session=session).first()
    if cancelled is None:
        raise NotFound(
            f"You have not cancelled {_when(signup, session)}: you are still "
            "coming that day."
        )
    cancelled.delete()
    audit_record(
        actor=restored_by,
        action="signup.date_restored",
        obj=signup,
        reason=f"coming on {_when(signup, session)} after all",
        changes={"cancelled_date": [session.pk, None]},
    )
    transaction.on_commit(
        lambda: tasks.send_date_email.delay(signup.pk, session.pk, "restored")
    )
    return signup
