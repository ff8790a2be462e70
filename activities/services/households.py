"""Households: create, edit, members, eligibility, export and erasure.

The field lists a family may set are written once, here: the forms
(activities.forms) and the API serializers (activities.api_family) derive
theirs from HOUSEHOLD_FIELDS and MEMBER_FIELDS.

Member changes are recorded in the audit log against the household (a member
is part of it, and a removed member no longer exists to carry an entry), so
the household's page shows one history. Erasure calls hub.audit.audit_erase
for every object of the household, so personal data leaves the log too.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from activities.errors import Conflict, DomainError, NotFound, StateError
from activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    Attendance,
    Household,
    HouseholdMember,
)
from activities.services.collectors import collector_changes, new_collector
from hub.audit import audit_erase, audit_record, audit_record_many, diff, snapshot
from hub.models import normalise_postcode
from hub.rules import require_perm

HOUSEHOLD_FIELDS = (
    "name",
    "postcode",
    "email",
    "phone",
    "languages",
    "consent_contact",
    "consent_photos",
    "findable",
    "fsm_claimed",
    "emergency_contact_name",
    "emergency_contact_phone",
)
MEMBER_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "date_of_birth",
    "relationship",
    "school",
    "allergies",
    "medical_notes",
    "send_notes",
)
OWN_ONLY = "You can only change your own household."


@transaction.atomic
def household_create(
    *,
    user,
    members: list[dict] | None = None,
    collectors: list[dict] | None = None,
    **fields,
) -> Household:
    """The signed-in family's household (one per account) with its members
    and the adults who may collect its children."""
    require_perm(
        user,
        "activities.create_household",
        message="Sign in to create a household.",
    )
    if Household.objects.filter(user=user).exists():
        raise Conflict("You already have a household. Edit it instead.")
    household = Household(user=user, **_pick(fields, HOUSEHOLD_FIELDS))
    household.email = household.email or user.email
    _clean_household(household)
    household.save()
    changes = {k: [None, v] for k, v in snapshot(household, HOUSEHOLD_FIELDS).items()}
    for data in members or []:
        member = _new_member(household, data)
        changes |= _member_changes(member, {})
    for data in collectors or []:
        changes |= collector_changes(new_collector(household, data))
    audit_record(actor=user, action="household.created", obj=household, changes=changes)
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
    require_perm(updated_by, "activities.change_household", household, message=OWN_ONLY)
    before = snapshot(household, HOUSEHOLD_FIELDS)
    for name, value in _pick(fields, HOUSEHOLD_FIELDS).items():
        setattr(household, name, value)
    _clean_household(household)
    household.save()
    audit_record(
        actor=updated_by,
        action="household.updated",
        obj=household,
        changes=diff(before, snapshot(household, HOUSEHOLD_FIELDS)),
    )
    return household


def _new_member(household: Household, fields: dict) -> HouseholdMember:
    member = HouseholdMember(household=household, **_pick(fields, MEMBER_FIELDS))
    _clean_member(member)
    member.save()
    return member


def _member_changes(member: HouseholdMember, before: dict) -> dict:
    """{"member #12 first_name": [old, new]}: one household entry can carry
    several members' changes."""
    after = snapshot(member, MEMBER_FIELDS)
    return {
        f"member #{member.pk} {name}": pair
        for name, pair in diff(before, after).items()
        if pair != [None, ""] or name in before
    }


@transaction.atomic
def member_add(*, household: Household, added_by, **fields) -> HouseholdMember:
    require_perm(added_by, "activities.change_household", household, message=OWN_ONLY)
    member = _new_member(household, fields)
    audit_record(
        actor=added_by,
        action="household.member_added",
        obj=household,
        changes=_member_changes(member, {}),
    )
    return member


@transaction.atomic
def member_update(*, member: HouseholdMember, updated_by, **fields) -> HouseholdMember:
    require_perm(
        updated_by, "activities.change_household", member.household, message=OWN_ONLY
    )
    before = snapshot(member, MEMBER_FIELDS)
    for name, value in _pick(fields, MEMBER_FIELDS).items():
        setattr(member, name, value)
    _clean_member(member)
    member.save()
    audit_record(
        actor=updated_by,
        action="household.member_changed",
        obj=member.household,
        changes=_member_changes(member, before),
    )
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
    require_perm(
        removed_by, "activities.change_household", member.household, message=OWN_ONLY
    )
    if member.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES).exists():
        raise StateError(
            f"{member.first_name} is signed up to an activity. Cancel that first."
        )
    if member.attendances.exists():
        raise StateError(
            f"{member.first_name} has attended sessions, so stays on record. "
            "Ask for deletion of the household to erase personal data."
        )
    before = snapshot(member, MEMBER_FIELDS)
    audit_record(
        actor=removed_by,
        action="household.member_removed",
        obj=member.household,
        changes={f"member #{member.pk} {k}": [v, None] for k, v in before.items()},
    )
    member.delete()


@transaction.atomic
def household_verify_eligibility(
    *, household: Household, verified_by, eligible: bool = True, reason: str = ""
) -> Household:
    """Free-school-meals eligibility: granted or revoked by school staff or a
    link worker only."""
    require_perm(
        verified_by,
        "activities.verify_eligibility",
        household,
        message="Only school staff or a link worker can verify eligibility.",
    )
    before = household.is_fsm_eligible
    household.fsm_verified_by = verified_by if eligible else None
    household.fsm_verified_at = timezone.now() if eligible else None
    household.save(update_fields=["fsm_verified_by", "fsm_verified_at", "updated_at"])
    action = "granted" if eligible else "revoked"
    audit_record(
        actor=verified_by,
        action=f"household.eligibility_{action}",
        obj=household,
        reason=reason,
        changes={"fsm_verified": [before, eligible]},
    )
    return household


@transaction.atomic
def household_request_deletion(*, household: Household, requested_by) -> Household:
    """Erase the household's personal data now and cancel its sign-ups.

    Members and attendance rows stay, without names, dates of birth or notes,
    so anonymous attendance counts still add up. The account is unlinked. The
    audit entries about the household's objects keep what happened but lose
    the personal data (hub.audit.audit_erase).
    """
    from activities.services.signups import signup_cancel

    require_perm(
        requested_by, "activities.change_household", household, message=OWN_ONLY
    )
    if household.erased_at:
        raise StateError("This household's data has already been erased.")
    for signup in household.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES):
        signup_cancel(
            signup=signup, cancelled_by=requested_by, reason="household erased"
        )
    _erase(household, actor=requested_by)
    audit_erase(_objects_of(household))
    audit_record(actor=requested_by, action="household.erased", obj=household)
    return household


def _objects_of(household: Household) -> list:
    return [
        household,
        *household.members.all(),
        *household.signups.all(),
        *household.referrals.all(),
        *Attendance.objects.filter(member__household=household),
    ]


def _erase(household: Household, *, actor) -> None:
    """One entry for each member and referral note erased, beside the
    household's own `household.erased` entry."""
    now = timezone.now()
    members = list(household.members.all())
    household.members.update(
        first_name="Erased",
        last_name="",
        date_of_birth=None,
        relationship="",
        allergies="",
        medical_notes="",
        send_notes="",
    )
    for name in (
        "postcode",
        "email",
        "phone",
        "languages",
        "emergency_contact_name",
        "emergency_contact_phone",
        "consent_given_by",
    ):
        setattr(household, name, "")
    household.collectors.all().delete()
    household.name = f"Erased household {household.pk}"
    household.user = None
    household.consent_contact = household.consent_photos = False
    household.deletion_requested_at = household.erased_at = now
    household.save()
    audit_record_many(actor=actor, action="member.erased", objs=members)
    referrals = list(household.referrals.exclude(note=""))
    household.referrals.filter(pk__in=[r.pk for r in referrals]).update(note="")
    audit_record_many(actor=actor, action="referral.note_erased", objs=referrals)


# A link worker creates a household for a family (with the family's consent
# recorded: who gave it, how, when) and invites the family to claim it with a
# signed link that expires (docs/attendance.md).

CLAIM_SALT = "activities.household-claim"
CLAIM_DAYS = 14


@transaction.atomic
def household_create_on_behalf(
    *,
    created_by,
    consent_given_by: str,
    consent_method: str,
    members: list[dict] | None = None,
    **fields,
) -> Household:
    """A household with no account yet, made by a link worker for a family
    who agreed to it; the family claims it later (household_claim)."""
    require_perm(
        created_by,
        "activities.create_household_on_behalf",
        message="Only link workers can set up a household for a family.",
    )
    consent_given_by = (consent_given_by or "").strip()
    if not consent_given_by:
        raise DomainError(
            "Enter the name of the family member who agreed.", field="consent_given_by"
        )
    if consent_method not in Household.ConsentMethod.values:
        raise DomainError(
            "Choose how they agreed: in person, by phone or in writing.",
            field="consent_method",
        )
    household = Household(
        user=None,
        created_on_behalf_by=created_by,
        consent_given_by=consent_given_by,
        consent_method=consent_method,
        consent_recorded_at=timezone.now(),
        **_pick(fields, HOUSEHOLD_FIELDS),
    )
    _clean_household(household)
    household.save()
    changes = {k: [None, v] for k, v in snapshot(household, HOUSEHOLD_FIELDS).items()}
    for data in members or []:
        changes |= _member_changes(_new_member(household, data), {})
    audit_record(
        actor=created_by,
        action="household.created_on_behalf",
        obj=household,
        reason=f"Consent given by {consent_given_by} "
        f"({household.get_consent_method_display().lower()})",
        changes=changes,
    )
    return household


@transaction.atomic
def household_invite_claim(*, household: Household, invited_by) -> str:
    """Email the family a link to claim the household (valid CLAIM_DAYS days);
    returns the link. Only the link worker who created it, while unclaimed."""
    require_perm(
        invited_by,
        "activities.invite_household_claim",
        household,
        message="Only the link worker who set up this household can invite the family.",
    )
    if household.user_id or household.erased_at:
        raise StateError("The family has already claimed this household.")
    if not household.email:
        raise DomainError(
            "Add the family's email address first, so the link can be sent.",
            field="email",
        )
    token = signing.dumps(
        {"h": household.pk, "r": household.reference}, salt=CLAIM_SALT
    )
    link = f"{settings.SITE_URL}/activities/claim/{token}/"
    audit_record(
        actor=invited_by,
        action="household.claim_invited",
        obj=household,
        changes={"email": [None, household.email]},
    )
    household_id = household.pk
    transaction.on_commit(lambda: _send_claim(household_id, link))
    return link


def _send_claim(household_id: int, link: str) -> None:
    from activities.tasks import send_claim_invite

    send_claim_invite.delay(household_id, link, CLAIM_DAYS)


def household_for_claim(*, token: str) -> Household:
    """The household a claim link is for: NotFound for a link that was
    tampered with, StateError when it expired or was already used."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=CLAIM_DAYS * 86400)
    except signing.SignatureExpired:
        raise StateError(
            "This link has expired. Ask your link worker to send a new one."
        ) from None
    except signing.BadSignature:
        raise NotFound("This link is not valid. Check it was copied whole.") from None
    household = Household.objects.filter(
        pk=data.get("h"), reference=data.get("r"), erased_at__isnull=True
    ).first()
    if household is None:
        raise NotFound("This link is not valid. Check it was copied whole.")
    return household


@transaction.atomic
def household_claim(*, token: str, user) -> Household:
    """Attach the household a link worker set up to the family's account."""
    household = household_for_claim(token=token)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.user_id == user.pk:
        return household
    if household.user_id:
        raise StateError("This household has already been claimed.")
    if Household.objects.filter(user=user).exists():
        raise Conflict(
            "Your account already has a household. Ask your link worker to merge them."
        )
    household.user = user
    household.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=user,
        action="household.claimed",
        obj=household,
        changes={"user": [None, user.pk]},
    )
    return household
