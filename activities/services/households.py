"""Households: create, edit, members, eligibility, export and erasure."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from activities.errors import Conflict, DomainError, PermissionDenied, StateError
from activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    Household,
    HouseholdMember,
)
from hub.models import normalise_postcode

HOUSEHOLD_FIELDS = (
    "name",
    "postcode",
    "email",
    "phone",
    "languages",
    "consent_contact",
    "consent_photos",
    "fsm_claimed",
)
MEMBER_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "date_of_birth",
    "relationship",
    "medical_notes",
    "send_notes",
)


@transaction.atomic
def household_create(*, user, members: list[dict] | None = None, **fields) -> Household:
    """The signed-in family's household (one per account) with its members."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to create a household.")
    if Household.objects.filter(user=user).exists():
        raise Conflict("You already have a household. Edit it instead.")
    household = Household(user=user, **_pick(fields, HOUSEHOLD_FIELDS))
    household.email = household.email or user.email
    _clean_household(household)
    household.save()
    for member in members or []:
        member_add(household=household, added_by=user, **member)
    return household


def _pick(fields: dict, allowed: tuple) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        name = sorted(unknown)[0]
        raise DomainError(f"{name} cannot be set here.", field=name)
    return fields


def _clean_household(household: Household) -> None:
    if household.postcode:
        household.postcode = normalise_postcode(household.postcode)
    household.full_clean(exclude=["user", "fsm_verified_by"])


@transaction.atomic
def household_update(*, household: Household, updated_by, **fields) -> Household:
    _require(updated_by, "activities.change_household", household)
    for name, value in _pick(fields, HOUSEHOLD_FIELDS).items():
        setattr(household, name, value)
    _clean_household(household)
    household.save()
    return household


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied("You can only change your own household.")


@transaction.atomic
def member_add(*, household: Household, added_by, **fields) -> HouseholdMember:
    _require(added_by, "activities.change_household", household)
    member = HouseholdMember(household=household, **_pick(fields, MEMBER_FIELDS))
    _clean_member(member)
    member.save()
    return member


@transaction.atomic
def member_update(*, member: HouseholdMember, updated_by, **fields) -> HouseholdMember:
    _require(updated_by, "activities.change_household", member.household)
    for name, value in _pick(fields, MEMBER_FIELDS).items():
        setattr(member, name, value)
    _clean_member(member)
    member.save()
    return member


def _clean_member(member: HouseholdMember) -> None:
    today = timezone.localdate()
    if member.kind == HouseholdMember.Kind.CHILD and member.date_of_birth is None:
        raise DomainError(
            "Enter the child's date of birth, so we can check age ranges.",
            field="date_of_birth",
        )
    if member.date_of_birth and member.date_of_birth > today:
        raise DomainError("Date of birth must be in the past.", field="date_of_birth")
    if member.date_of_birth and member.date_of_birth < today - dt.timedelta(
        days=365 * 120
    ):
        raise DomainError("Check the year of birth.", field="date_of_birth")
    member.full_clean(exclude=["household"])


@transaction.atomic
def member_remove(*, member: HouseholdMember, removed_by) -> None:
    _require(removed_by, "activities.change_household", member.household)
    if member.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES).exists():
        raise StateError(
            f"{member.first_name} is signed up to an activity. Cancel that first."
        )
    if member.attendances.exists():
        raise StateError(
            f"{member.first_name} has attended sessions, so stays on record. "
            "Ask for deletion of the household to erase personal data."
        )
    member.delete()


@transaction.atomic
def household_verify_eligibility(
    *, household: Household, verified_by, eligible: bool = True
) -> Household:
    """Free-school-meals eligibility: set by school staff or a link worker only."""
    if not verified_by.has_perm("activities.verify_eligibility", household):
        raise PermissionDenied(
            "Only school staff or a link worker can verify eligibility."
        )
    household.fsm_verified_by = verified_by if eligible else None
    household.fsm_verified_at = timezone.now() if eligible else None
    household.save(update_fields=["fsm_verified_by", "fsm_verified_at", "updated_at"])
    return household


@transaction.atomic
def household_request_deletion(*, household: Household, requested_by) -> Household:
    """Erase the household's personal data now and cancel its sign-ups.

    Members and attendance rows stay, without names, dates of birth or notes,
    so anonymous attendance counts still add up. The account is unlinked.
    """
    from activities.services.signups import signup_cancel

    _require(requested_by, "activities.change_household", household)
    if household.erased_at:
        raise StateError("This household's data has already been erased.")
    for signup in household.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES):
        signup_cancel(signup=signup, cancelled_by=requested_by)
    _erase(household)
    return household


def _erase(household: Household) -> None:
    now = timezone.now()
    household.members.update(
        first_name="Erased",
        last_name="",
        date_of_birth=None,
        relationship="",
        medical_notes="",
        send_notes="",
    )
    for name in ("postcode", "email", "phone", "languages"):
        setattr(household, name, "")
    household.name = f"Erased household {household.pk}"
    household.user = None
    household.consent_contact = household.consent_photos = False
    household.deletion_requested_at = household.erased_at = now
    household.save()
    household.referrals.update(note="")
