"""Link workers refer households (registers: activities.services.registers)."""

from django.db import transaction

from activities import selectors
from activities.errors import Conflict, DomainError
from activities.models import (
    TEXT_MAX_LENGTH,
    Activity,
    Referral,
    Session,
    SignUp,
)
from hub.audit import audit_record
from hub.rules import require_perm


@transaction.atomic
def referral_create(
    *, referred_by, household_reference: str, activity: Activity, note: str = ""
) -> Referral:
    """Refer the household with that reference (the family gives it to the
    link worker) to a published activity."""
    require_perm(
        referred_by,
        "activities.refer_household",
        message="Only link workers can refer families.",
    )
    if len(note) > TEXT_MAX_LENGTH:
        raise DomainError(
            f"Keep the note to {TEXT_MAX_LENGTH} characters or fewer.", field="note"
        )
    household = selectors.household_by_reference(reference=household_reference)
    if activity.status != Activity.Status.PUBLISHED:
        raise DomainError("You can only refer families to published activities.")
    if Referral.objects.filter(
        household=household, activity=activity, status__in=["open", "used"]
    ).exists():
        raise Conflict("This household is already referred to this activity.")
    referral = Referral.objects.create(
        referred_by=referred_by, household=household, activity=activity, note=note
    )
    audit_record(
        actor=referred_by,
        action="referral.created",
        obj=referral,
        reason=note,
        changes={"status": [None, referral.status]},
    )
    transaction.on_commit(lambda: _email_family(referral.pk))
    return referral


def _email_family(referral_id: int) -> None:
    from activities.tasks import send_referral_email

    send_referral_email.delay(referral_id)


@transaction.atomic
def referral_withdraw(
    *, referral: Referral, withdrawn_by, reason: str = ""
) -> Referral:
    require_perm(
        withdrawn_by,
        "activities.withdraw_referral",
        referral,
        message="You can only withdraw your own referrals.",
    )
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.OPEN:
        raise Conflict("The family has already used this referral.")
    referral.status = Referral.Status.WITHDRAWN
    referral.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=withdrawn_by,
        action="referral.withdrawn",
        obj=referral,
        reason=reason,
        changes={"status": ["open", "withdrawn"]},
    )
    return referral


def session_register_member_ids(*, session: Session) -> set[int]:
    signups = SignUp.objects.filter(
        activity_id=session.activity_id, status=SignUp.Status.CONFIRMED
    ).filter(session__isnull=True).exclude(  # not coming to this date
        cancelled_dates__session=session
    ) | SignUp.objects.filter(session=session, status=SignUp.Status.CONFIRMED)
    return set(
        SignUp.members.through.objects.filter(signup__in=signups).values_list(
            "householdmember_id", flat=True
        )
    )
