"""Money for activity sign-ups: paying for a held place by card, recording
money taken on the day, refunds (by the activity's policy when a family
cancels, or by a manager), and what Stripe's webhooks tell us
(payments/webhooks.py calls `intent_succeeded`, `intent_failed` and
`refund_settled` inside its transaction). Decisions: docs/paid-activities.md.

Every change writes its audit record in the same transaction. Stripe is
called through payments.gateway only; a refund is recorded first (pending) and
sent to Stripe after commit with the key "signup-refund-<pk>", so a rolled
back cancellation never refunds and a retried send never refunds twice.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.dispatch import receiver
from django.utils import timezone

from activities import capacity, pricing, signals
from activities import tasks as activity_tasks
from activities.models import Session, SignUp
from activities.services.signups import holds_release_expired
from bookings.pricing import format_pence
from hub.audit import audit_record
from hub.errors import DomainError, NotFound, StateError
from hub.rules import require_perm
from payments import gateway, services, signup_rules  # noqa: F401 - rules
from payments.models import Payment, Refund

log = logging.getLogger(__name__)
Status = SignUp.Status
# Intent states in which the family can still pay with the same intent.
REUSABLE = {
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "processing",
}
OFFLINE_METHODS = (
    Payment.Method.CASH,
    Payment.Method.BANK_TRANSFER,
    Payment.Method.CHEQUE,
)


# Reads ---------------------------------------------------------------------


def signup_for_money(*, signup_id: int, user) -> SignUp:
    """A sign-up whose money `user` may see (the family, the partner running
    it, the site's business manager), else NotFound. Two queries."""
    signup = (
        SignUp.objects.select_related(
            "household", "activity__booking__room__site", "activity__partner", "session"
        )
        .filter(pk=signup_id)
        .first()
    )
    if signup is None or not user.has_perm("payments.view_signup_payments", signup):
        raise NotFound(f"No sign-up has id {signup_id}. Check the id.")
    return signup


@dataclass(frozen=True)
class Money:
    due_pence: int  # what the place costs
    paid_pence: int  # payments that succeeded
    refunded_pence: int  # refunds made or on their way

    @property
    def balance_pence(self) -> int:
        return max(0, self.due_pence - self.paid_pence)

    @property
    def refundable_pence(self) -> int:
        return max(0, self.paid_pence - self.refunded_pence)


def signup_money(signup: SignUp) -> Money:
    """Two queries: what was paid and what is refunded (or being refunded)."""
    paid = Payment.objects.filter(
        signup=signup, status=Payment.Status.SUCCEEDED
    ).aggregate(total=Sum("amount_pence"))["total"]
    refunded = Refund.objects.filter(
        payment__signup=signup,
        status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED],
    ).aggregate(total=Sum("amount_pence"))["total"]
    return Money(
        due_pence=signup.amount_pence,
        paid_pence=paid or 0,
        refunded_pence=refunded or 0,
    )


# Paying by card --------------------------------------------------------------


@dataclass(frozen=True)
class Checkout:
    signup: SignUp
    payment: Payment
    client_secret: str


@transaction.atomic
def signup_pay_intent(*, signup: SignUp, actor) -> Checkout:
    """The card intent for the family's held place: the open one if there is
    one (a retry or a second tab never makes a second charge), else a new one
    with the idempotency key "signup-<pk>-attempt-<n>". Locks the sign-up."""
    require_perm(
        actor,
        "payments.pay_signup",
        signup,
        message="You can only pay for your own household's places.",
    )
    if not gateway.card_payments_enabled():
        raise StateError(
            "Card payment is not available on this site. Pay the organiser on "
            "the day instead."
        )
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    _check_payable(signup)
    open_payment = (
        Payment.objects.filter(
            signup=signup, method=Payment.Method.CARD, status=Payment.Status.PENDING
        )
        .order_by("-pk")
        .first()
    )
    if open_payment and open_payment.amount_pence == signup.amount_pence:
        intent = gateway.retrieve_intent(open_payment.stripe_payment_intent_id)
        if intent.status in REUSABLE:
            return Checkout(signup, open_payment, intent.client_secret)
        if intent.status == "succeeded":
            raise StateError(
                "Your payment went through and is being confirmed. Refresh the "
                "page in a moment."
            )
    return _new_intent(signup, actor)


def _check_payable(signup: SignUp) -> None:
    if signup.status == Status.CONFIRMED:
        raise StateError("This place is already confirmed: there is nothing to pay.")
    if signup.status != Status.AWAITING_PAYMENT:
        raise StateError(
            f"This sign-up is {signup.get_status_display().lower()}: there is "
            "nothing to pay."
        )
    if signup.hold_expires_at <= timezone.now():
        raise StateError(
            "We could only hold this place for a short time and the hold has "
            "ended. Sign up again if places are left."
        )


def _new_intent(signup: SignUp, actor) -> Checkout:
    attempt = Payment.objects.filter(signup=signup).count() + 1
    activity = signup.activity
    intent = gateway.create_intent(
        amount_pence=signup.amount_pence,
        idempotency_key=f"signup-{signup.pk}-attempt-{attempt}",
        metadata={"kind": "signup", "object_id": str(signup.pk)},
        description=f"{activity.title}: {signup.places} place(s), sign-up {signup.pk}",
    )
    payment = Payment.objects.create(
        signup=signup,
        method=Payment.Method.CARD,
        amount_pence=signup.amount_pence,
        stripe_payment_intent_id=intent.id,
    )
    audit_record(
        actor=actor,
        action="payment.card_started",
        obj=payment,
        reason=f"sign-up #{signup.pk}, attempt {attempt}",
        changes={"amount_pence": [None, payment.amount_pence]},
    )
    return Checkout(signup, payment, intent.client_secret)


# What Stripe tells us (called by payments/webhooks.py in its transaction) ----


def intent_succeeded(payment: Payment, intent: dict) -> None:
    """The card payment went through (the webhook has marked `payment`
    SUCCEEDED). Confirms the place. If the hold had ended meanwhile, the
    place is confirmed when one is still free after the waitlist has been
    served, else the payment is refunded in full and the family told. A
    payment for a place that is already paid, cancelled or declined is
    refunded in full. Idempotent: a second delivery finds the place confirmed
    and this payment already refunded or counted."""
    signup = payment.signup
    capacity.unit_lock(activity=signup.activity, session=signup.session)
    holds_release_expired(activity=signup.activity, session=signup.session)
    signup = SignUp.objects.select_related("activity", "session").get(pk=signup.pk)
    money = signup_money(signup)
    if signup.status == Status.AWAITING_PAYMENT:
        _confirm(signup, "paid before the hold ended")
    elif signup.status == Status.EXPIRED and _late_place_free(signup):
        _confirm(signup, "paid after the hold ended; a place was still free")
    elif signup.status == Status.CONFIRMED and money.paid_pence <= signup.amount_pence:
        return  # a repeated delivery, or a part payment on the day topped up
    else:
        _refund_whole_payment(payment, signup)


def _late_place_free(signup: SignUp) -> bool:
    places = capacity.places_in_unit(activity=signup.activity, session=signup.session)
    if not places.fits(signup.places, referral=signup.referral_id is not None):
        return False
    # The household may have signed up again meanwhile: it keeps that one.
    return not (
        capacity.unit_signups(activity=signup.activity, session=signup.session)
        .filter(household_id=signup.household_id, status__in=capacity.HOLDING)
        .exclude(pk=signup.pk)
        .exists()
        or capacity.unit_signups(activity=signup.activity, session=signup.session)
        .filter(household_id=signup.household_id, status=Status.WAITLISTED)
        .exists()
    )


def _confirm(signup: SignUp, reason: str) -> None:
    before = signup.status
    signup.status, signup.hold_expires_at, signup.cancelled_at = (
        Status.CONFIRMED,
        None,
        None,
    )
    signup.save(
        update_fields=["status", "hold_expires_at", "cancelled_at", "updated_at"]
    )
    audit_record(
        actor=None,
        action="signup.paid",
        obj=signup,
        reason=reason,
        changes={"status": [before, Status.CONFIRMED]},
    )
    transaction.on_commit(
        lambda: activity_tasks.send_signup_email.delay(signup.pk, "paid")
    )


def _refund_whole_payment(payment: Payment, signup: SignUp) -> None:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    already = _pending_or_made(payment)
    amount = payment.amount_pence - already
    if amount <= 0:
        return  # refunded already (a repeated delivery)
    if signup.status == Status.EXPIRED:
        why = "the hold ended before payment and no place was free"
        text = (
            "Your payment arrived after the hold on your place ended, and the "
            "activity is now full, so we are refunding it in full"
        )
    elif signup.status == Status.CONFIRMED:
        why = "the place was already paid for"
        text = (
            "Your place was already paid for, so we are refunding this second payment"
        )
    else:
        why = f"the sign-up was {signup.get_status_display().lower()} before payment"
        text = (
            "Your sign-up had ended before the payment arrived, so we are refunding it"
        )
    _make_refund(payment, amount, reason=f"Automatic: {why}.", actor=None)
    _notify(signup, "Refund", f"{text}: {format_pence(amount)}.")


def intent_failed(payment: Payment, intent: dict) -> None:
    """The card was refused (the webhook has marked `payment` FAILED). The
    hold stays until it ends, so the family can try another card on the
    checkout page; nothing else changes."""


def refund_settled(refund: Refund) -> None:
    """Stripe has settled `refund` (the webhook has applied it to the Refund
    and the payment). A refund that failed is told to the family so they can
    contact the school; the audit record of the status is the webhook's."""
    if refund.status == Refund.Status.FAILED and refund.payment.signup_id:
        _notify(
            refund.payment.signup,
            "Refund problem",
            f"We could not refund {format_pence(refund.amount_pence)} to your "
            "card. Please contact the school office.",
        )


# Refunds -------------------------------------------------------------------


@transaction.atomic
def signup_refund(
    *, signup: SignUp, amount_pence: int, reason: str, actor
) -> list[Refund]:
    """A manager's refund of `amount_pence` (all or part; discretionary, at any
    time) of what was paid for `signup`, never more than paid minus refunded.
    The place itself is not changed."""
    require_perm(
        actor,
        "payments.refund_signup",
        signup,
        message="Only the school's business manager can refund a payment.",
    )
    if amount_pence <= 0:
        raise DomainError("Amount must be more than zero.", field="amount_pence")
    if not reason.strip():
        raise DomainError("Say why you are refunding.", field="reason")
    refunds = _refund_up_to(signup, amount_pence, reason=reason, actor=actor)
    _notify(
        signup,
        "Refund",
        f"We are refunding {format_pence(amount_pence)} for your place. "
        f"Reason: {reason}",
    )
    return refunds


def _refund_up_to(signup: SignUp, amount: int, *, reason: str, actor) -> list[Refund]:
    """Refund `amount` from the sign-up's payments, newest first, with the
    payments locked so two refunds never exceed what was paid."""
    payments = list(
        Payment.objects.select_for_update()
        .filter(signup=signup, status=Payment.Status.SUCCEEDED)
        .order_by("-pk")
    )
    left = {p.pk: p.amount_pence - _pending_or_made(p) for p in payments}
    available = sum(left.values())
    if available == 0:
        raise StateError(
            "Nothing is left to refund for this sign-up: it was not paid, or is "
            "refunded already."
        )
    if amount > available:
        raise DomainError(
            f"Amount: at most {format_pence(available)} can be refunded (what "
            "was paid, less what is refunded already).",
            field="amount_pence",
        )
    refunds = []
    for payment in payments:
        portion = min(amount, left[payment.pk])
        if portion > 0:
            refunds.append(_make_refund(payment, portion, reason=reason, actor=actor))
            amount -= portion
    return refunds


def _pending_or_made(payment: Payment) -> int:
    total = payment.refunds.filter(
        status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]
    ).aggregate(total=Sum("amount_pence"))["total"]
    return total or 0


def _make_refund(payment: Payment, amount: int, *, reason: str, actor) -> Refund:
    """Record a refund. Card: pending until Stripe answers (sent after
    commit). Offline money: handed back, so it is made at once. As in
    payments.services, `refunded_pence` counts pending and made refunds."""
    card = payment.method == Payment.Method.CARD
    refund = Refund.objects.create(
        payment=payment,
        amount_pence=amount,
        reason=reason[:500],
        status=Refund.Status.PENDING if card else Refund.Status.SUCCEEDED,
        created_by=actor,
    )
    payment.refunded_pence += amount
    payment.save(update_fields=["refunded_pence", "updated_at"])
    audit_record(
        actor=actor,
        action="refund.requested" if card else "refund.recorded",
        obj=refund,
        reason=reason,
        changes={"amount_pence": [None, amount], "status": [None, refund.status]},
    )
    if card:
        transaction.on_commit(lambda: refund_send(refund_id=refund.pk))
    return refund


def refund_send(*, refund_id: int) -> Refund:
    """Send a pending card refund to Stripe (after commit; idempotent by its
    key, so `refunds_send_pending` may retry it). Stripe down: it stays
    pending and is retried."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING or refund.stripe_refund_id:
        return refund
    try:
        made = gateway.create_refund(
            payment_intent_id=refund.payment.stripe_payment_intent_id,
            amount_pence=refund.amount_pence,
            idempotency_key=f"signup-refund-{refund.pk}",
            metadata={
                "kind": "signup",
                "object_id": str(refund.payment.signup_id),
                "refund_id": str(refund.pk),
            },
        )
    except gateway.GatewayError:
        log.warning("Refund %s not sent to Stripe; it stays pending", refund.pk)
        return refund
    services.refund_mark_sent(refund=refund, stripe_refund=made)
    refund.refresh_from_db()
    return refund


def refunds_send_pending() -> int:
    """Retry card refunds that never reached Stripe (reconcile calls this)."""
    pending = Refund.objects.filter(
        status=Refund.Status.PENDING,
        stripe_refund_id__isnull=True,
        payment__signup__isnull=False,
        payment__method=Payment.Method.CARD,
    ).values_list("pk", flat=True)
    return sum(
        refund_send(refund_id=pk).status != Refund.Status.PENDING for pk in pending
    )


# Money taken by the organiser (no card payments, or paid on the day) --------


@transaction.atomic
def signup_record_payment(
    *,
    signup: SignUp,
    amount_pence: int,
    method: str,
    actor,
    reference: str = "",
    received_on=None,
) -> Payment:
    """Record money taken for a place (cash, transfer, cheque). A place that
    was held awaiting payment is confirmed once paid in full."""
    require_perm(
        actor,
        "payments.record_signup_payment",
        signup,
        message="Only the organiser or the school can record a payment.",
    )
    if method not in OFFLINE_METHODS:
        raise DomainError(
            "Choose cash, bank transfer or cheque. Card payments are recorded "
            "by Stripe.",
            field="method",
        )
    capacity.unit_lock(activity=signup.activity, session=signup.session)
    signup = SignUp.objects.select_related("activity", "session").get(pk=signup.pk)
    if signup.status not in (Status.CONFIRMED, Status.AWAITING_PAYMENT):
        raise StateError(
            f"This sign-up is {signup.get_status_display().lower()}: there is "
            "nothing to pay."
        )
    _check_amount(amount_pence, signup_money(signup).balance_pence)
    payment = Payment.objects.create(
        signup=signup,
        method=method,
        status=Payment.Status.SUCCEEDED,
        amount_pence=amount_pence,
        reference=reference,
        received_on=received_on or timezone.localdate(),
        recorded_by=actor,
        succeeded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="payment.recorded",
        obj=payment,
        reason=f"sign-up #{signup.pk}: {payment.get_method_display()} {reference}".strip(),
        changes={"amount_pence": [None, amount_pence]},
    )
    if (
        signup.status == Status.AWAITING_PAYMENT
        and not signup_money(signup).balance_pence
    ):
        _confirm(signup, f"paid by {payment.get_method_display().lower()}")
    return payment


def _check_amount(amount: int, balance: int) -> None:
    if amount <= 0:
        raise DomainError("Amount must be more than zero.", field="amount_pence")
    if balance == 0:
        raise StateError("This place is paid for in full already.")
    if amount > balance:
        raise DomainError(
            f"Amount: only {format_pence(balance)} is left to pay for this place.",
            field="amount_pence",
        )


# A sign-up ends (activities.signals.signup_ended, inside its transaction) ---


@receiver(signals.signup_ended, dispatch_uid="payments.signup_ended")
def on_signup_ended(sender, *, signup: SignUp, actor, previous: str, **kwargs) -> None:
    """Cancel open card intents (after commit); when the organiser cancels,
    refund everything paid; when a family cancels a paid, confirmed place,
    refund what the activity's policy allows."""
    for payment in Payment.objects.filter(
        signup=signup, method=Payment.Method.CARD, status=Payment.Status.PENDING
    ):
        transaction.on_commit(lambda p=payment: _cancel_intent(p))
    if kwargs.get("by_organiser"):
        _refund_all(signup, "the activity or its session was cancelled")
        return
    if previous != Status.CONFIRMED or signup.status != Status.CANCELLED:
        return
    money = signup_money(signup)
    amount = pricing.refundable_on_cancel(
        activity=signup.activity,
        paid_pence=money.refundable_pence,
        first_start=_first_start(signup),
    )
    if amount:
        _refund_up_to(
            signup,
            amount,
            reason="Automatic: cancelled by the family in time for a full refund.",
            actor=None,
        )
        _notify(
            signup,
            "Refund",
            f"You cancelled in time for a full refund: we are refunding "
            f"{format_pence(amount)}. Card refunds take 5 to 10 days to arrive.",
        )


def _refund_all(signup: SignUp, why: str) -> None:
    """Everything paid goes back when the organiser or the school cancels."""
    amount = signup_money(signup).refundable_pence
    if amount:
        _refund_up_to(signup, amount, reason=f"Automatic: {why}.", actor=None)
        _notify(
            signup,
            "Refund",
            f"Because {why}, we are refunding everything you paid: "
            f"{format_pence(amount)}.",
        )


def _first_start(signup: SignUp):
    if signup.session_id:
        return signup.session.starts_at
    return (
        signup.activity.sessions.filter(status=Session.Status.SCHEDULED)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


def _cancel_intent(payment: Payment) -> None:
    try:
        gateway.cancel_intent(
            payment.stripe_payment_intent_id,
            idempotency_key=f"signup-cancel-{payment.pk}",
        )
    except gateway.GatewayError:
        # Already paid (the webhook then refunds it) or Stripe is away (the
        # intent lapses; reconcile tidies it).
        log.info("Intent of payment %s not cancelled", payment.pk)


def _notify(signup: SignUp, subject: str, body: str) -> None:
    transaction.on_commit(
        lambda: activity_tasks.send_payment_notice.delay(signup.pk, subject, body)
    )
