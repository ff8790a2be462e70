"""Activity and household permissions (django-rules). Deny by default.

Who sees a household (invariant 4): the family itself; a partner only while the
household is signed up to one of that partner's activities, and members'
medical/SEND notes only for members signed up to it; a link worker only the
households they referred (not the notes). Nobody else, not even the school's
business manager.

Each predicate exists once: partner membership is partners.rules'
`is_partner_member` (an activity, or anything with `partner_id`), staff roles are
hub.rules'. The list selectors in activities.selectors (`*_list_visible`) are the
same rules written as querysets; tests/activities/test_permission_matrix.py
checks that they agree with `has_perm` for every role.
"""

import rules

from activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    Activity,
    HouseholdMember,
    Referral,
    SignUp,
)
from hub.models import StaffRole
from hub.rules import (
    is_any_link_worker,
    is_any_staff,
    is_business_manager_of,
    is_platform_admin,
    site_id_of,
    site_ids_for,
)
from partners.rules import is_partner_member, partner_ids_for

PUBLIC_STATUSES = (Activity.Status.PUBLISHED, Activity.Status.CANCELLED)


def _activity(obj) -> Activity | None:
    """The activity of an activity, session, sign-up or referral."""
    return obj if isinstance(obj, Activity) or obj is None else obj.activity


@rules.predicate
def is_household_owner(user, household) -> bool:
    household = getattr(household, "household", household)  # a member, a sign-up
    return (
        household is not None
        and user.is_authenticated
        and household.user_id == user.pk
        and household.erased_at is None
    )


@rules.predicate
def runs_activity(user, obj) -> bool:
    """A member of the partner running the activity (of a session, sign-up)."""
    return is_partner_member(user, _activity(obj))


@rules.predicate
def is_public_activity(user, obj) -> bool:
    """Published activities, and cancelled ones (families read why)."""
    activity = _activity(obj)
    return activity is not None and activity.status in PUBLIC_STATUSES


@rules.predicate
def owns_booking(user, booking) -> bool:
    return booking is not None and booking.partner_id in partner_ids_for(
        user, approved_only=True
    )


@rules.predicate
def partner_of_signed_up_household(user, household) -> bool:
    partners = partner_ids_for(user)
    return (
        bool(partners)
        and SignUp.objects.filter(
            household=household,
            activity__partner_id__in=partners,
            status__in=ACTIVE_SIGNUP_STATUSES,
        ).exists()
    )


@rules.predicate
def referred_household(user, household) -> bool:
    household = getattr(household, "household", household)  # a sign-up
    return (
        is_any_link_worker(user)
        and Referral.objects.filter(household=household, referred_by=user).exists()
    )


@rules.predicate
def is_referrer(user, referral) -> bool:
    return referral is not None and referral.referred_by_id == user.pk


@rules.predicate
def partner_of_signed_up_member(user, member: HouseholdMember) -> bool:
    partners = partner_ids_for(user)
    return (
        bool(partners)
        and member.signups.filter(
            activity__partner_id__in=partners, status__in=ACTIVE_SIGNUP_STATUSES
        ).exists()
    )


@rules.predicate
def is_partner_staff(user) -> bool:
    return bool(partner_ids_for(user))


@rules.predicate
def manages_site_of(user, obj) -> bool:
    """Business manager of the school where the activity (of a session) runs."""
    activity = _activity(obj)
    return activity is not None and is_business_manager_of(user, activity.booking)


@rules.predicate
def staff_at_site_of(user, obj) -> bool:
    """Business manager or site staff at the activity's school (not its link
    workers, who see only the families they referred)."""
    activity = _activity(obj)
    return activity is not None and site_id_of(activity.booking) in site_ids_for(
        user, StaffRole.Role.BUSINESS_MANAGER, StaffRole.Role.SITE_STAFF
    )


@rules.predicate
def created_household(user, household) -> bool:
    """The link worker who set the household up for the family."""
    household = getattr(household, "household", household)
    return (
        household is not None
        and user.is_authenticated
        and household.created_on_behalf_by_id == user.pk
        and household.erased_at is None
    )


@rules.predicate
def unclaimed(user, household) -> bool:
    return household is not None and household.user_id is None


can_change_activity = runs_activity | is_platform_admin

rules.add_perm("activities.view_activity", is_public_activity | can_change_activity)
rules.add_perm("activities.view_session", is_public_activity | can_change_activity)
rules.add_perm("activities.publish_on_booking", owns_booking)
rules.add_perm("activities.view_own_activities", is_partner_staff)
rules.add_perm("activities.change_activity", can_change_activity)
rules.add_perm("activities.view_activity_signups", can_change_activity)
# Registers (docs/attendance.md): the session's runners see everything and
# mark it; the school's business manager may also mark it (covering a session,
# and correcting it after the 7-day lock); the school's staff may read it (who
# is in the building, emergency contacts) but not the medical, allergy and
# SEND notes or who may collect, which are need-to-know for the runners only.
rules.add_perm("activities.take_register", runs_activity | manages_site_of)
rules.add_perm(
    "activities.view_register", runs_activity | staff_at_site_of | is_platform_admin
)
rules.add_perm("activities.view_register_notes", runs_activity)
rules.add_perm("activities.change_locked_register", manages_site_of)
rules.add_perm("activities.create_household", rules.is_authenticated)
rules.add_perm(
    "activities.view_household",
    is_household_owner
    | partner_of_signed_up_household
    | referred_household
    | (is_any_link_worker & created_household),
)
rules.add_perm("activities.change_household", is_household_owner)
rules.add_perm(
    "activities.view_member_needs", is_household_owner | partner_of_signed_up_member
)
rules.add_perm(
    "activities.view_signup",
    is_household_owner | can_change_activity | referred_household,
)
rules.add_perm("activities.cancel_signup", is_household_owner)
rules.add_perm("activities.sign_up", is_household_owner)
rules.add_perm("activities.refer_household", is_any_link_worker)
rules.add_perm("activities.create_household_on_behalf", is_any_link_worker)
rules.add_perm(
    "activities.invite_household_claim",
    is_any_link_worker & created_household & unclaimed,
)
rules.add_perm("activities.view_referral", is_referrer | is_household_owner)
rules.add_perm("activities.withdraw_referral", is_referrer)
rules.add_perm("activities.verify_eligibility", is_any_staff)
