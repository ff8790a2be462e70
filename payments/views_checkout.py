"""Pages for paid activity places: the family's checkout for a held place
(`/payments/checkout/<id>/`: amount, what for, the time left, the card form
when card payments are on), its result page, and the money of one sign-up
for the organiser and the school (`/payments/sign-ups/<id>/`: what was paid,
record money taken on the day, refund). Thin adapters over
payments.signup_payments; every page is private (signed in: no-store)."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from activities import pricing
from activities.models import SignUp
from activities.notifications import signup_sessions
from hub.audit import audit_history_for
from hub.forms_base import HubForm
from hub.views_base import submit
from payments import gateway, signup_payments
from payments.models import Payment

Status = SignUp.Status
OFFLINE_CHOICES = [(m.value, m.label) for m in signup_payments.OFFLINE_METHODS]


def _pence(pounds: Decimal) -> int:
    return int(pounds * 100)  # exact: two decimal places at most


def _amount(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=Decimal("100000"),
        max_digits=8,
        decimal_places=2,
        help_text="For example 5.00.",
    )


class _MoneyForm(HubForm):
    def add_domain_error(self, exc) -> None:
        if exc.field == "amount_pence":
            exc.field = "amount"
        super().add_domain_error(exc)


class RecordForm(_MoneyForm):
    amount = _amount("Amount received, in pounds")
    method = forms.ChoiceField(label="How it was paid", choices=OFFLINE_CHOICES)
    reference = forms.CharField(
        label="Reference (optional)",
        max_length=100,
        required=False,
        help_text="A receipt, cheque or bank reference.",
    )


class RefundForm(_MoneyForm):
    amount = _amount("Amount to refund, in pounds")
    reason = forms.CharField(
        label="Why you are refunding",
        max_length=500,
        help_text="The family is told this.",
    )


@login_required
def checkout(request, signup_id: int):
    signup = signup_payments.signup_for_money(signup_id=signup_id, user=request.user)
    if not request.user.has_perm("payments.pay_signup", signup):
        return redirect("payments:signup-money", signup.pk)
    if signup.status != Status.AWAITING_PAYMENT:
        return redirect("payments:checkout-done", signup.pk)
    card = gateway.card_payments_enabled()
    now = timezone.now()
    context = _what_for(signup) | {
        "seconds_left": max(0, int((signup.hold_expires_at - now).total_seconds())),
        "time_left": time_left(signup.hold_expires_at - now),
        "expired": signup.hold_expires_at <= now,
        "card": card,
        "stripe_key": settings.STRIPE_PUBLISHABLE_KEY if card else "",
        "stripe_js": settings.STRIPE_JS_URL if card else "",
        "intent_url": reverse("payments-api:signup-pay", args=[signup.pk]),
        "done_url": reverse("payments:checkout-done", args=[signup.pk]),
    }
    return render(request, "payments/checkout.html", context)


def time_left(left) -> str:
    """ "14 minutes", "1 hour 5 minutes": what checkout.js also writes."""
    minutes = max(0, -(-int(left.total_seconds()) // 60))  # rounded up
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def _what_for(signup: SignUp) -> dict:
    site = signup.activity.booking.room.site
    return {
        "signup": signup,
        "activity": signup.activity,
        "site": site,
        "zone": site.zoneinfo,
        "people": list(signup.members.all()),
        "sessions": signup_sessions(signup),
        "price": pricing.describe(signup.activity),
        "refunds": pricing.describe_refunds(signup.activity),
        "money": signup_payments.signup_money(signup),
    }


@login_required
def checkout_done(request, signup_id: int):
    """Where the card form lands: paid (confirmed), still being confirmed by
    the card company (the webhook is on its way), or the hold ended."""
    signup = signup_payments.signup_for_money(signup_id=signup_id, user=request.user)
    pending = Payment.objects.filter(
        signup=signup, status=Payment.Status.PENDING
    ).exists()
    context = _what_for(signup) | {
        "confirming": signup.status == Status.AWAITING_PAYMENT
        and (pending and bool(request.GET.get("paid"))),
        "checkout_url": reverse("payments:checkout", args=[signup.pk]),
    }
    return render(request, "payments/checkout_done.html", context)


@login_required
def signup_money(request, signup_id: int, record_form=None, refund_form=None):
    """What was paid for one sign-up, with the forms the caller may use."""
    signup = signup_payments.signup_for_money(signup_id=signup_id, user=request.user)
    user = request.user
    can_record = signup.status in (
        Status.CONFIRMED,
        Status.AWAITING_PAYMENT,
    ) and user.has_perm("payments.record_signup_payment", signup)
    can_refund = user.has_perm("payments.refund_signup", signup)
    context = _what_for(signup) | {
        "payments": list(
            Payment.objects.filter(signup=signup)
            .prefetch_related("refunds")
            .order_by("pk")
        ),
        "record_form": (record_form or RecordForm(prefix="pay"))
        if can_record
        else None,
        "refund_form": (refund_form or RefundForm(prefix="refund"))
        if can_refund
        else None,
        "history": audit_history_for(signup) if can_refund else [],
    }
    status = 400 if (record_form or refund_form) else 200
    return render(request, "payments/checkout_money.html", context, status=status)


@login_required
@require_POST
def signup_record_payment(request, signup_id: int):
    signup = signup_payments.signup_for_money(signup_id=signup_id, user=request.user)
    form = RecordForm(request.POST, prefix="pay")
    done = submit(
        form,
        lambda data: signup_payments.signup_record_payment(
            signup=signup,
            amount_pence=_pence(data["amount"]),
            method=data["method"],
            reference=data["reference"],
            actor=request.user,
        ),
    )
    if done:
        messages.success(request, "Payment recorded.")
        return redirect("payments:signup-money", signup.pk)
    return signup_money(request, signup_id, record_form=form)


@login_required
@require_POST
def signup_refund(request, signup_id: int):
    signup = signup_payments.signup_for_money(signup_id=signup_id, user=request.user)
    form = RefundForm(request.POST, prefix="refund")
    done = submit(
        form,
        lambda data: signup_payments.signup_refund(
            signup=signup,
            amount_pence=_pence(data["amount"]),
            reason=data["reason"],
            actor=request.user,
        ),
    )
    if done:
        messages.success(request, "Refund made. The family has been emailed.")
        return redirect("payments:signup-money", signup.pk)
    return signup_money(request, signup_id, refund_form=form)
