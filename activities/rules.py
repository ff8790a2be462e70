"""Activity and household permissions (django-rules). Deny by default.

Who sees a household (invariant 4): the family itself; a partner only while the
household is signed up to one of that partner's activities, and members'
medical/SEND notes only for members signed up to it; a link worker only the
households they referred (not the notes). Nobody else, not even the school's
business manager.
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
from hub.rules import is_any_link_worker, is_platform_admin, site_ids_for
from partners.rules import partner_ids_for


@rules.predicate
def is_household_owner(user, household) -> bool:
    return (
        household is not None
        and user.is_authenticated
        and household.user_id == user.pk
        and household.erased_at is None
    )


@rules.predicate
def is_signup_owner(user, signup) -> bool:
    return signup is not None and is_household_owner(user, signup.household)


@rules.predicate
def runs_activity(user, activity) -> bool:
    return activity is not None and activity.partner_id in partner_ids_for(user)


@rules.predicate
def owns_booking(user, booking) -> bool:
    return booking is not None and booking.partner_id in partner_ids_for(
        user, approved_only=True
    )


@rules.predicate
def can_see_draft(user, activity) -> bool:
    return activity is not None and activity.status == Activity.Status.PUBLISHED


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
    return (
        is_any_link_worker(user)
        and Referral.objects.filter(household=household, referred_by=user).exists()
    )


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
def owns_member(user, member) -> bool:
    return member is not None and is_household_owner(user, member.household)


@rules.predicate
def is_school_staff_or_link_worker(user) -> bool:
    roles = (
        StaffRole.Role.BUSINESS_MANAGER,
        StaffRole.Role.SITE_STAFF,
        StaffRole.Role.LINK_WORKER,
    )
    return bool(site_ids_for(user, *roles))


@rules.predicate
def is_authenticated(user) -> bool:
    return user.is_authenticated


rules.add_perm(
    "activities.view_activity", can_see_draft | runs_activity | is_platform_admin
)
rules.add_perm("activities.publish_on_booking", owns_booking)
rules.add_perm("activities.change_activity", runs_activity | is_platform_admin)
rules.add_perm("activities.view_activity_signups", runs_activity | is_platform_admin)
rules.add_perm("activities.take_register", runs_activity)
rules.add_perm("activities.create_household", is_authenticated)
rules.add_perm(
    "activities.view_household",
    is_household_owner | partner_of_signed_up_household | referred_household,
)
rules.add_perm("activities.change_household", is_household_owner)
rules.add_perm(
    "activities.view_member_needs", owns_member | partner_of_signed_up_member
)
rules.add_perm("activities.cancel_signup", is_signup_owner)
rules.add_perm("activities.sign_up", is_household_owner)
rules.add_perm("activities.refer_household", is_any_link_worker)
rules.add_perm("activities.verify_eligibility", is_school_staff_or_link_worker)
