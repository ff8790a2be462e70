"""Receivers of lower apps' signals (nothing below payments imports it)."""

import logging

from django.db import transaction
from django.dispatch import receiver

from activities import pricing
from activities import signals as activity_signals
from activities.models import SignUp
from bookings.pricing import format_pence
from payments import signup_payments
from payments.invoicing import slots_cancelled_apply
from payments.models import Payment

log = logging.getLogger(__name__)


def on_slots_cancelled(sender, *, slot_ids, reason, **kwargs) -> None:
    """Dates cancelled after approval: credit notes or late charges by the
    site's policy (bookings.signals.slots_cancelled; idempotent). The
    cancellation is already committed: a failure here is logged, not raised,
    so the partner's cancellation and the other receivers still go through;
    building the month's drafts again picks up what was missed on a draft."""
    try:
        slots_cancelled_apply(slot_ids=list(slot_ids), reason=reason or "Cancelled")
    except Exception:
        log.exception("Invoices not updated for cancelled slots %s", slot_ids)


@receiver(activity_signals.signup_reduced, dispatch_uid="payments.signup_reduced")
def on_signup_reduced(sender, *, signup, member, removed_pence: int, **kwargs) -> None:
    """One person left a paid sign-up that goes on; its amount dropped by
    `removed_pence` (activities.signals.signup_reduced, inside the
    transaction). Open card intents for the old amount are cancelled after
    commit (a held place is then paid at the new amount). For a confirmed
    place, money paid beyond the new amount, up to that person's share, is
    refunded if the activity's policy allows a refund now, the same rule as
    cancelling the whole place (docs/paid-activities.md)."""
    for payment in Payment.objects.filter(
        signup=signup, method=Payment.Method.CARD, status=Payment.Status.PENDING
    ):
        transaction.on_commit(lambda p=payment: signup_payments._cancel_intent(p))
    if signup.status != SignUp.Status.CONFIRMED:
        return
    money = signup_payments.signup_money(signup)
    beyond = money.paid_pence - money.refunded_pence - signup.amount_pence
    amount = pricing.refundable_on_cancel(
        activity=signup.activity,
        paid_pence=max(0, min(beyond, removed_pence)),
        first_start=signup_payments._first_start(signup),
    )
    if not amount:
        return
    signup_payments._refund_up_to(
        signup,
        amount,
        reason=f"Automatic: {member.first_name}'s place cancelled by the family "
        "in time for a full refund.",
        actor=None,
    )
    signup_payments._notify(
        signup,
        "Refund",
        f"You cancelled {member.first_name}'s place in time for a full refund: "
        f"we are refunding {format_pence(amount)}. Card refunds take 5 to 10 "
        "days to arrive.",
    )
