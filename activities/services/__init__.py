"""Every state change of activities, households and sign-ups goes through these."""

from activities.services.collectors import (
    collector_add,
    collector_remove,
    collector_update,
)
from activities.services.households import (
    household_claim,
    household_create,
    household_create_on_behalf,
    household_invite_claim,
    household_request_deletion,
    household_update,
    household_verify_eligibility,
    member_add,
    member_remove,
    member_update,
)
from activities.services.publishing import (
    activity_cancel,
    activity_create,
    activity_publish,
    activity_update,
    session_cancel,
    sessions_cancel_for_slots,
)
from activities.services.referrals import (
    referral_create,
    referral_withdraw,
)
from activities.services.registers import (
    attendance_mark,
    attendance_set,
    register_save,
    walk_in_add,
    walk_in_count_set,
)
from activities.services.signup_dates import (
    signup_cancel_date,
    signup_restore_date,
)
from activities.services.signups import (
    SignUpResult,
    signup_cancel,
    signup_create,
    signup_remove_member,
    waitlist_promote,
)

__all__ = [
    "SignUpResult",
    "activity_cancel",
    "activity_create",
    "activity_publish",
    "activity_update",
    "attendance_mark",
    "attendance_set",
    "collector_add",
    "collector_remove",
    "collector_update",
    "household_claim",
    "household_create",
    "household_create_on_behalf",
    "household_invite_claim",
    "household_request_deletion",
    "household_update",
    "household_verify_eligibility",
    "member_add",
    "member_remove",
    "member_update",
    "referral_create",
    "referral_withdraw",
    "register_save",
    "session_cancel",
    "sessions_cancel_for_slots",
    "signup_cancel",
    "signup_cancel_date",
    "signup_restore_date",
    "signup_remove_member",
    "signup_create",
    "waitlist_promote",
    "walk_in_add",
    "walk_in_count_set",
]
