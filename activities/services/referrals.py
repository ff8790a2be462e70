"""Link workers refer households; partners take registers."""

from django.db import transaction

from activities.errors import Conflict, DomainError, NotFound, PermissionDenied
from activities.models import (
    Activity,
    Attendance,
    Household,
    Referral,
    Session,
    SignUp,
)


@transaction.atomic
def referral_create(
    *, referred_by, household_reference: str, activity: Activity, note: str = ""
) -> Referral:
    """Refer the household with that reference (the family gives it to the
    link worker) to a published activity."""
    if not referred_by.has_perm("activities.refer_household"):
        raise PermissionDenied("Only link workers can refer families.")
    reference = household_reference.strip().upper()
    household = Household.objects.filter(
        reference=reference, erased_at__isnull=True
    ).first()
    if household is None:
        raise NotFound(
            "No household has that reference. Check it with the family: it is on "
            "their 'Your family' page.",
            field="household_reference",
        )
    if activity.status != Activity.Status.PUBLISHED:
        raise DomainError("You can only refer families to published activities.")
    if Referral.objects.filter(
        household=household, activity=activity, status__in=["open", "used"]
    ).exists():
        raise Conflict("This household is already referred to this activity.")
    return Referral.objects.create(
        referred_by=referred_by, household=household, activity=activity, note=note
    )


@transaction.atomic
def referral_withdraw(*, referral: Referral, withdrawn_by) -> Referral:
    if referral.referred_by_id != withdrawn_by.pk:
        raise PermissionDenied("You can only withdraw your own referrals.")
    if referral.status != Referral.Status.OPEN:
        raise Conflict("The family has already used this referral.")
    referral.status = Referral.Status.WITHDRAWN
    referral.save(update_fields=["status", "updated_at"])
    return referral


@transaction.atomic
def attendance_mark(
    *, session: Session, marked_by, present_member_ids: set[int]
) -> int:
    """Record who came: every member with a confirmed place in the session
    (series or single) is marked present or absent. Returns how many present."""
    if not marked_by.has_perm("activities.take_register", session.activity):
        raise PermissionDenied(
            "Only the organisation running it can take the register."
        )
    expected = session_register_member_ids(session=session)
    unknown = set(present_member_ids) - expected
    if unknown:
        raise DomainError(
            "Some people ticked are not signed up to this session.", field="present"
        )
    for member_id in expected:
        Attendance.objects.update_or_create(
            session=session,
            member_id=member_id,
            defaults={
                "present": member_id in present_member_ids,
                "marked_by": marked_by,
            },
        )
    return len(present_member_ids)


def session_register_member_ids(*, session: Session) -> set[int]:
    signups = SignUp.objects.filter(
        activity_id=session.activity_id, status=SignUp.Status.CONFIRMED
    ).filter(session__isnull=True) | SignUp.objects.filter(
        session=session, status=SignUp.Status.CONFIRMED
    )
    return set(
        SignUp.members.through.objects.filter(signup__in=signups).values_list(
            "householdmember_id", flat=True
        )
    )
