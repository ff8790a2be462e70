"""Every state change of activities, households and sign-ups goes through these."""

from activities.services.households import (
    household_create,
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
    attendance_mark,
    referral_create,
    referral_withdraw,
)
from activities.services.signups import (
    SignUpResult,
    signup_cancel,
    signup_create,
    waitlist_promote,
)

__all__ = [
    "SignUpResult",
    "activity_cancel",
    "activity_create",
    "activity_publish",
    "activity_update",
    "attendance_mark",
    "household_create",
    "household_request_deletion",
    "household_update",
    "household_verify_eligibility",
    "member_add",
    "member_remove",
    "member_update",
    "referral_create",
    "referral_withdraw",
    "session_cancel",
    "sessions_cancel_for_slots",
    "signup_cancel",
    "signup_create",
    "waitlist_promote",
]
