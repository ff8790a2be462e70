"""What a paid sign-up costs, and what a cancellation may refund. Pure rules
over the activity's fields; integer pence throughout.

- `price_basis`: per child (each child signed up; adults come with them free)
  or per family (once per sign-up, whoever comes).
- `price_covers`: the whole series, or each session. A whole-series sign-up to
  an activity priced per session pays for every session still to come.
- A household whose free-school-meals eligibility is verified pays nothing
  when the activity offers free places (`free_for_eligible`).
- Refunds: in full when cancelled at least `refund_days_before` days before
  the (first) session the sign-up covers, otherwise nothing; no policy (None)
  means no refund on cancellation. Managers may still refund by hand.
"""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from activities.models import Activity, Household, HouseholdMember
from bookings.pricing import format_pence


def signup_amount(
    *,
    activity: Activity,
    household: Household,
    members: Iterable[HouseholdMember],
    sessions: int,
) -> int:
    """Pence due for `members` of `household` over `sessions` sessions (1 for a
    single-session sign-up, the number still to come for a series)."""
    if activity.price_pence == 0:
        return 0
    if activity.free_for_eligible and household.is_fsm_eligible:
        return 0
    if activity.price_basis == Activity.PriceBasis.PER_FAMILY:
        units = 1
    else:
        units = sum(1 for m in members if m.kind == HouseholdMember.Kind.CHILD)
    times = sessions if activity.price_covers == Activity.PriceCovers.SESSION else 1
    return activity.price_pence * units * times


def member_share(
    *,
    activity: Activity,
    amount_pence: int,
    members: Iterable[HouseholdMember],
    member: HouseholdMember,
) -> int:
    """What `member`'s place is worth in a sign-up of `members` whose amount
    was fixed at `amount_pence`: the amount drops by this when they leave.
    Per child, the amount split evenly between its children (each was priced
    the same when it was fixed, so the split is exact); adults come free. Per
    family, nothing: the family price stays while anyone is still coming."""
    if amount_pence == 0 or member.kind != HouseholdMember.Kind.CHILD:
        return 0
    if activity.price_basis == Activity.PriceBasis.PER_FAMILY:
        return 0
    children = sum(1 for m in members if m.kind == HouseholdMember.Kind.CHILD)
    return amount_pence // children if children else 0


def refundable_on_cancel(
    *, activity: Activity, paid_pence: int, first_start: dt.datetime | None
) -> int:
    """What the policy refunds, in pence, if the family cancels now."""
    days = activity.refund_days_before
    if days is None or paid_pence <= 0 or first_start is None:
        return 0
    if timezone.now() <= first_start - dt.timedelta(days=days):
        return paid_pence
    return 0


def describe(activity: Activity) -> str:
    """The price in words, for pages and emails: "£5.00 per child, each session"."""
    if activity.price_pence == 0:
        return "Free"
    pounds = format_pence(activity.price_pence)
    basis = "per child" if activity.price_basis == "child" else "per family"
    covers = (
        "for the whole series" if activity.price_covers == "series" else "each session"
    )
    return f"{pounds} {basis}, {covers}"


def describe_refunds(activity: Activity) -> str:
    days = activity.refund_days_before
    if activity.price_pence == 0:
        return ""
    if days is None:
        return "No refunds if you cancel."
    if days == 0:
        return "Full refund if you cancel before it starts."
    unit = "day" if days == 1 else "days"
    return f"Full refund if you cancel at least {days} {unit} before it starts; none after."
