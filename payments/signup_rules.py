"""Who may pay for, see and refund the money of an activity sign-up
(django-rules; deny by default). Imported by payments.signup_payments.

- The family pays for its own held place (and sees its payments).
- The partner running the activity sees what was paid and records money
  taken on the day (cash, card machine, transfer).
- The business manager of the activity's site (the school takes the card
  payments) and the platform admin see, record and refund, including
  discretionary and partial refunds. Partners do not refund: the money is
  not in their account.
"""

import rules

from activities.rules import is_household_owner, runs_activity
from hub.rules import is_business_manager_of, is_platform_admin


@rules.predicate
def manages_activity_site(user, signup) -> bool:
    """Business manager of the site whose room the sign-up's activity uses."""
    return signup is not None and is_business_manager_of(
        user, signup.activity.booking.room
    )


money_staff = is_platform_admin | manages_activity_site

rules.add_perm("payments.pay_signup", is_household_owner)
rules.add_perm(
    "payments.view_signup_payments", is_household_owner | runs_activity | money_staff
)
rules.add_perm("payments.record_signup_payment", runs_activity | money_staff)
rules.add_perm("payments.refund_signup", money_staff)
