"""Paid activity places (issue 8, points 3 and 4): prices, holds that expire
and release their places to the waitlist in order, card payment through the
real `stripe` library against localstripe, late payments, refunds by policy
and by a manager, and money taken on the day when there are no Stripe keys.

Time is frozen on 1 October 2026; the sessions are Tuesdays 18:00 from
13 October (tests/activities/factories.py)."""

import contextlib
import datetime as dt

import pytest

from activities import tasks
from activities.models import Activity, SignUp
from activities.services import signup_cancel
from hub.errors import DomainError, NotFound, PermissionDenied, StateError
from hub.models import AuditEntry
from payments import gateway, signup_payments
from payments.models import Payment, Refund
from tests.activities.factories import approved_booking, family, make_activity
from tests.activities.factories import sign_up as sign
from tests.payments.conftest import pay_by_card, webhook_succeeded

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
Status = SignUp.Status


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def booking(room, partner):
    return approved_booking(room=room, partner=partner)


@pytest.fixture
def paid(booking):
    """£5 per child for the series, full refund up to 7 days before."""
    return make_activity(booking=booking, price_pence=500, refund_days_before=7)


# Prices ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "children", "carers", "expected"),
    [
        ({"price_basis": "child"}, 2, 1, 1000),  # adults come with children free
        ({"price_basis": "family"}, 2, 1, 500),
        ({"price_basis": "child", "price_covers": "session"}, 1, 1, 2000),  # 4 weeks
        ({"price_basis": "family", "price_covers": "session"}, 3, 2, 2000),
    ],
)
def test_the_price_follows_the_basis_and_what_it_covers(
    booking, stripe_off, fields, children, carers, expected
):
    activity = make_activity(booking=booking, price_pence=500, **fields)
    signup = sign(activity, *family(children=children, carers=carers)).signup
    assert signup.amount_pence == expected


def test_a_single_session_priced_per_session_costs_one_session(booking, stripe_off):
    activity = make_activity(
        booking=booking,
        price_pence=300,
        price_covers="session",
        signup_mode=Activity.SignupMode.SESSION,
    )
    session = activity.sessions.first()
    signup = sign(activity, *family(children=2), session=session).signup
    assert signup.amount_pence == 600


def test_a_verified_free_school_meals_family_gets_a_free_place(paid, stripe_on):
    household, members = family(children=2, fsm_verified_at=NOW)
    signup = sign(paid, household, members).signup
    assert (signup.status, signup.amount_pence) == (Status.CONFIRMED, 0)


def test_free_places_can_be_switched_off(booking, stripe_off):
    activity = make_activity(booking=booking, price_pence=500, free_for_eligible=False)
    signup = sign(activity, *family(children=1, fsm_verified_at=NOW)).signup
    assert signup.amount_pence == 500


# Holds -------------------------------------------------------------------------


def test_a_paid_place_is_held_while_the_family_pays(paid, stripe_keys, mailoutbox):
    result = sign(paid, *family(children=2))
    signup = result.signup
    assert signup.status == Status.AWAITING_PAYMENT
    assert signup.hold_expires_at == NOW + dt.timedelta(minutes=15)
    assert signup.amount_pence == 1000
    assert result.message == (
        "We are holding your place while you pay. Pay now to confirm it."
    )
    assert mailoutbox == []  # the receipt comes when paid


def test_the_hold_length_is_a_setting(paid, stripe_keys, settings):
    settings.PAYMENT_HOLD_MINUTES = 30
    signup = sign(paid, *family()).signup
    assert signup.hold_expires_at == NOW + dt.timedelta(minutes=30)


def test_an_expired_hold_stops_counting_before_any_job_runs(
    booking, stripe_keys, time_machine
):
    activity = make_activity(booking=booking, capacity=2, price_pence=500)
    held = sign(activity, *family(children=1)).signup  # 2 places: full
    waiting = sign(activity, *family(children=1)).signup
    assert waiting.status == Status.WAITLISTED
    time_machine.move_to(NOW + dt.timedelta(minutes=16), tick=False)
    newcomer = sign(activity, *family(children=1)).signup
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == Status.EXPIRED
    # The waitlist is served first, in order; the newcomer waits.
    assert waiting.status == Status.AWAITING_PAYMENT
    assert waiting.hold_expires_at == NOW + dt.timedelta(minutes=16, hours=24)
    assert newcomer.status == Status.WAITLISTED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"signup.hold_expired", "signup.promoted"} <= actions


def test_the_job_releases_expired_holds_and_promotes_in_order(
    booking, stripe_keys, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    activity = make_activity(booking=booking, capacity=2, price_pence=500)
    held = sign(activity, *family(children=1)).signup
    first = sign(activity, *family(children=1)).signup
    second = sign(activity, *family(children=1)).signup
    assert [first.status, second.status] == [Status.WAITLISTED] * 2
    time_machine.move_to(NOW + dt.timedelta(minutes=20), tick=False)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.release_expired_holds() == 1
        assert tasks.release_expired_holds() == 0  # idempotent
    statuses = SignUp.objects.filter(pk__in=[held.pk, first.pk, second.pk])
    assert dict(statuses.values_list("pk", "status")) == {
        held.pk: Status.EXPIRED,
        first.pk: Status.AWAITING_PAYMENT,
        second.pk: Status.WAITLISTED,
    }
    subjects = sorted(m.subject for m in mailoutbox)
    assert subjects == [
        "A place came up: pay to keep it: Cook and eat",
        "Your place was not paid for in time: Cook and eat",
    ]
    assert "/payments/checkout/" in next(
        m.body for m in mailoutbox if "pay to keep" in m.subject
    )


def test_without_card_payments_a_paid_place_is_confirmed_and_paid_on_the_day(
    paid, stripe_off, partner_user
):
    signup = sign(paid, *family(children=1)).signup
    assert (signup.status, signup.hold_expires_at) == (Status.CONFIRMED, None)
    with pytest.raises(StateError, match="Card payment is not available"):
        signup_payments.signup_pay_intent(signup=signup, actor=signup.household.user)
    payment = signup_payments.signup_record_payment(
        signup=signup, amount_pence=500, method="cash", actor=partner_user
    )
    assert payment.status == Payment.Status.SUCCEEDED
    assert signup_payments.signup_money(signup).balance_pence == 0
    with pytest.raises(StateError, match="paid for in full"):
        signup_payments.signup_record_payment(
            signup=signup, amount_pence=1, method="cash", actor=partner_user
        )


@pytest.mark.parametrize(
    ("amount", "method", "field"),
    [
        (0, "cash", "amount_pence"),
        (501, "cash", "amount_pence"),
        (100, "card", "method"),
    ],
)
def test_recording_bad_money_changes_nothing(
    paid, stripe_off, partner_user, amount, method, field
):
    signup = sign(paid, *family(children=1)).signup
    with pytest.raises(DomainError) as exc:
        signup_payments.signup_record_payment(
            signup=signup, amount_pence=amount, method=method, actor=partner_user
        )
    assert exc.value.field == field
    assert not Payment.objects.exists()


def test_only_the_organiser_or_school_records_money(
    paid, stripe_off, other_partner_user
):
    household, members = family(children=1)
    signup = sign(paid, household, members).signup
    for user in (other_partner_user, household.user):
        with pytest.raises(PermissionDenied):
            signup_payments.signup_record_payment(
                signup=signup, amount_pence=500, method="cash", actor=user
            )


# Card payments against localstripe --------------------------------------------


def test_paying_by_card_confirms_the_place_and_sends_a_receipt(
    paid, stripe_on, mailoutbox, django_capture_on_commit_callbacks
):
    signup = sign(paid, *family(children=2)).signup
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay_by_card(signup)
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED
    assert signup.hold_expires_at is None
    assert payment.amount_pence == 1000
    [receipt] = mailoutbox
    assert receipt.subject == "Paid: your place is booked: Cook and eat"
    assert "we have received £10.00" in receipt.body
    assert AuditEntry.objects.filter(action="signup.paid").count() == 1


def test_a_retry_reuses_the_intent_so_nobody_is_charged_twice(paid, stripe_on):
    signup = sign(paid, *family()).signup
    first = signup_payments.signup_pay_intent(
        signup=signup, actor=signup.household.user
    )
    again = signup_payments.signup_pay_intent(
        signup=signup, actor=signup.household.user
    )
    assert again.payment.pk == first.payment.pk
    assert again.client_secret == first.client_secret
    assert Payment.objects.filter(signup=signup).count() == 1


def test_a_declined_card_keeps_the_hold_so_the_family_can_try_again(paid, stripe_on):
    signup = sign(paid, *family()).signup
    checkout = signup_payments.signup_pay_intent(
        signup=signup, actor=signup.household.user
    )
    intent_id = checkout.payment.stripe_payment_intent_id
    with contextlib.suppress(gateway.GatewayError):  # refused: not paid
        gateway.confirm_intent_for_tests(intent_id, "4000000000000341")
    assert gateway.retrieve_intent(intent_id).status != "succeeded"
    # What the webhook does on payment_intent.payment_failed:
    Payment.objects.filter(pk=checkout.payment.pk).update(status="failed")
    signup_payments.intent_failed(checkout.payment, {"id": intent_id})
    signup.refresh_from_db()
    assert signup.status == Status.AWAITING_PAYMENT
    payment = pay_by_card(signup)  # a new intent: attempt 2
    assert payment.pk != checkout.payment.pk
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_a_second_payment_for_one_hold_is_refunded(
    paid, stripe_on, django_capture_on_commit_callbacks
):
    """Two payments for one hold (two devices): the place is paid once and
    the other payment goes back in full, through Stripe."""
    signup = sign(paid, *family()).signup
    checkout = signup_payments.signup_pay_intent(
        signup=signup, actor=signup.household.user
    )
    other = Payment.objects.create(
        signup=signup,
        method="card",
        amount_pence=500,
        stripe_payment_intent_id=gateway.create_intent(
            amount_pence=500,
            idempotency_key=f"test-{signup.pk}-other",
            metadata={"kind": "signup", "object_id": str(signup.pk)},
            description="other device",
        ).id,
    )
    for payment in (checkout.payment, other):
        gateway.confirm_intent_for_tests(payment.stripe_payment_intent_id)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_succeeded(checkout.payment)
        webhook_succeeded(other)
        webhook_succeeded(other)  # delivered again: no second refund
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED
    [refund] = Refund.objects.all()
    assert (refund.payment_id, refund.amount_pence) == (other.pk, 500)
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.stripe_refund_id.startswith("re_")


def test_a_payment_after_the_hold_ended_confirms_if_a_place_is_free(
    paid, stripe_on, time_machine
):
    signup = sign(paid, *family()).signup
    checkout = signup_payments.signup_pay_intent(
        signup=signup, actor=signup.household.user
    )
    time_machine.move_to(NOW + dt.timedelta(minutes=30), tick=False)
    tasks.release_expired_holds()
    signup.refresh_from_db()
    assert signup.status == Status.EXPIRED
    gateway.confirm_intent_for_tests(checkout.payment.stripe_payment_intent_id)
    webhook_succeeded(checkout.payment)
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED
    assert not Refund.objects.exists()


def test_a_payment_after_the_hold_ended_is_refunded_if_the_place_has_gone(
    booking, stripe_on, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    activity = make_activity(booking=booking, capacity=2, price_pence=500)
    late = sign(activity, *family(children=1)).signup
    checkout = signup_payments.signup_pay_intent(signup=late, actor=late.household.user)
    waiting = sign(activity, *family(children=1)).signup
    time_machine.move_to(NOW + dt.timedelta(minutes=30), tick=False)
    gateway.confirm_intent_for_tests(checkout.payment.stripe_payment_intent_id)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        webhook_succeeded(checkout.payment)
    late.refresh_from_db()
    waiting.refresh_from_db()
    assert late.status == Status.EXPIRED
    assert waiting.status == Status.AWAITING_PAYMENT  # the waitlist went first
    [refund] = Refund.objects.all()
    assert (refund.amount_pence, refund.status) == (500, Refund.Status.SUCCEEDED)
    assert any("refunding it in full: £5.00" in m.body for m in mailoutbox)


def test_paying_an_ended_hold_is_refused(paid, stripe_on, time_machine):
    signup = sign(paid, *family()).signup
    time_machine.move_to(NOW + dt.timedelta(minutes=15), tick=False)
    with pytest.raises(StateError, match="hold has ended"):
        signup_payments.signup_pay_intent(signup=signup, actor=signup.household.user)


def test_only_the_family_pays_for_its_place(paid, stripe_on, manager):
    signup = sign(paid, *family()).signup
    stranger, _ = family()
    for user in (stranger.user, manager):
        with pytest.raises(PermissionDenied):
            signup_payments.signup_pay_intent(signup=signup, actor=user)


# Refunds ---------------------------------------------------------------------


def _paid_signup(activity):
    signup = sign(activity, *family(children=2)).signup
    pay_by_card(signup)
    signup.refresh_from_db()
    return signup


def test_cancelling_in_time_refunds_in_full_through_stripe(
    paid, stripe_on, mailoutbox, django_capture_on_commit_callbacks
):
    signup = _paid_signup(paid)  # first session 13 Oct; now 1 Oct: 12 days
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup=signup, cancelled_by=signup.household.user)
    [refund] = Refund.objects.all()
    assert (refund.amount_pence, refund.status) == (1000, Refund.Status.SUCCEEDED)
    assert refund.payment.refunded_pence == 1000
    assert any("full refund" in m.body for m in mailoutbox)
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "refund.requested" in actions and "refund.sent" in actions


def test_cancelling_too_late_refunds_nothing(paid, stripe_on, time_machine):
    signup = _paid_signup(paid)
    time_machine.move_to(dt.datetime(2026, 10, 7, 12, 0, tzinfo=dt.UTC), tick=False)
    signup_cancel(signup=signup, cancelled_by=signup.household.user)
    assert not Refund.objects.exists()


def test_no_policy_means_no_refund_on_cancelling(booking, stripe_on):
    activity = make_activity(booking=booking, price_pence=500)
    signup = _paid_signup(activity)
    signup_cancel(signup=signup, cancelled_by=signup.household.user)
    assert not Refund.objects.exists()


def test_a_manager_refunds_part_then_the_rest_and_never_more(
    paid, stripe_on, manager, django_capture_on_commit_callbacks
):
    signup = _paid_signup(paid)
    with django_capture_on_commit_callbacks(execute=True):
        signup_payments.signup_refund(
            signup=signup, amount_pence=300, reason="Missed a week", actor=manager
        )
    with pytest.raises(DomainError, match="at most £7.00") as exc:
        signup_payments.signup_refund(
            signup=signup, amount_pence=701, reason="Too much", actor=manager
        )
    assert exc.value.field == "amount_pence"
    with django_capture_on_commit_callbacks(execute=True):
        signup_payments.signup_refund(
            signup=signup, amount_pence=700, reason="Activity moved", actor=manager
        )
    with pytest.raises(StateError, match="Nothing is left to refund"):
        signup_payments.signup_refund(
            signup=signup, amount_pence=1, reason="Twice", actor=manager
        )
    assert signup_payments.signup_money(signup).refundable_pence == 0
    assert Payment.objects.get(signup=signup).refunded_pence == 1000


@pytest.mark.parametrize(("amount", "reason"), [(0, "x"), (-5, "x"), (100, " ")])
def test_a_refund_needs_an_amount_and_a_reason(
    paid, stripe_on, manager, amount, reason
):
    signup = _paid_signup(paid)
    with pytest.raises(DomainError):
        signup_payments.signup_refund(
            signup=signup, amount_pence=amount, reason=reason, actor=manager
        )
    assert not Refund.objects.exists()


def test_only_the_sites_manager_refunds(
    paid, stripe_on, partner_user, other_manager, admin_user
):
    signup = _paid_signup(paid)
    for user in (partner_user, other_manager, signup.household.user):
        with pytest.raises(PermissionDenied):
            signup_payments.signup_refund(
                signup=signup, amount_pence=100, reason="x", actor=user
            )
    signup_payments.signup_refund(
        signup=signup, amount_pence=100, reason="Goodwill", actor=admin_user
    )


def test_refund_sent_when_stripe_was_away_is_retried(
    paid, stripe_on, manager, settings
):
    signup = _paid_signup(paid)
    localstripe = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens
    refund = signup_payments.signup_refund(
        signup=signup, amount_pence=200, reason="Goodwill", actor=manager
    )[0]
    refund = signup_payments.refund_send(refund_id=refund.pk)
    assert refund.status == Refund.Status.PENDING
    settings.STRIPE_API_BASE = localstripe
    from payments.reconcile import reconcile_pending  # the hourly job

    assert reconcile_pending() == {"sign-up refund sent": 1}
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED


def test_money_is_visible_to_the_family_partner_and_manager_only(
    paid, stripe_off, partner_user, manager, other_partner_user, other_manager, outsider
):
    signup = sign(paid, *family()).signup
    for user in (signup.household.user, partner_user, manager):
        assert (
            signup_payments.signup_for_money(signup_id=signup.pk, user=user) == signup
        )
    for user in (other_partner_user, other_manager, outsider):
        with pytest.raises(NotFound):
            signup_payments.signup_for_money(signup_id=signup.pk, user=user)


# Through the real webhook endpoint (payments/webhooks.py) --------------------


def test_the_signed_webhook_confirms_a_paid_place_once(
    paid,
    stripe_on,
    client,
    stripe_webhook,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from tests.payments.conftest import event, intent_payload

    signup = sign(paid, *family(children=1)).signup
    checkout = signup_payments.signup_pay_intent(
        signup=signup, actor=signup.household.user
    )
    intent = gateway.confirm_intent_for_tests(checkout.payment.stripe_payment_intent_id)
    body = event(
        "payment_intent.succeeded",
        intent_payload(intent.id, amount=500, kind="signup", object_id=signup.pk),
    )
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):  # delivered three times
            assert stripe_webhook(client, body).status_code == 200
    signup.refresh_from_db()
    assert signup.status == Status.CONFIRMED
    assert [m.subject for m in mailoutbox] == [
        "Paid: your place is booked: Cook and eat"
    ]
    assert AuditEntry.objects.filter(action="signup.paid").count() == 1


def test_the_refund_webhook_after_our_own_answer_changes_nothing(
    paid, stripe_on, client, stripe_webhook, manager, django_capture_on_commit_callbacks
):
    from tests.payments.conftest import event

    signup = _paid_signup(paid)
    with django_capture_on_commit_callbacks(execute=True):
        [refund] = signup_payments.signup_refund(
            signup=signup, amount_pence=300, reason="Missed a week", actor=manager
        )
    refund.refresh_from_db()
    payment = refund.payment
    obj = {
        "id": refund.stripe_refund_id,
        "object": "refund",
        "amount": 300,
        "currency": "gbp",
        "status": "succeeded",
        "payment_intent": payment.stripe_payment_intent_id,
    }
    for _ in range(2):
        assert stripe_webhook(client, event("refund.updated", obj)).status_code == 200
    payment.refresh_from_db()
    assert payment.refunded_pence == 300
    assert Refund.objects.count() == 1


def test_when_the_organiser_cancels_everything_paid_is_refunded(
    paid,
    stripe_on,
    partner_user,
    time_machine,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from activities.services import activity_cancel

    _paid_signup(paid)
    time_machine.move_to(dt.datetime(2026, 10, 12, 9, 0, tzinfo=dt.UTC), tick=False)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        activity_cancel(activity=paid, cancelled_by=partner_user, reason="Leader ill")
    [refund] = Refund.objects.all()  # too late for the policy, but not our doing
    assert (refund.amount_pence, refund.status) == (1000, Refund.Status.SUCCEEDED)
    assert any("refunding everything you paid: £10.00" in m.body for m in mailoutbox)
