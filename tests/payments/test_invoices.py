"""Room-hire invoices: drafts from approved dates at their stored prices, VAT,
gapless numbering per trust, immutability once issued, void, credit notes and
late-cancellation charges, overdue reminders, offline payments.

Time is frozen on 1 October 2026 09:00 UTC; the letting is Tuesdays 18:00 from
13 October, £50 a date (tests/payments/conftest.py `hire`)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from bookings.models import Booking, Slot
from bookings.services import booking_cancel
from hub.errors import DomainError, PermissionDenied, StateError
from hub.models import AuditEntry, Trust
from payments import tasks
from payments.invoicing import (
    invoice_issue,
    invoice_void,
    invoices_build_month,
    invoices_issue_month,
    slots_cancelled_apply,
    vat_on,
)
from payments.models import Invoice, InvoiceLine, Payment, SiteBilling
from payments.services import invoice_payment_record
from tests.activities.factories import approved_booking, london
from tests.factories import PartnerFactory, RoomFactory, SiteFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def actions(invoice) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=invoice.pk, action__startswith="invoice.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- Drafts ------------------------------------------------------------------


def test_draft_has_a_line_per_approved_date_in_the_month(draft, hire):
    lines = list(draft.lines.order_by("starts_at"))
    assert [line.amount_pence for line in lines] == [5000, 5000, 5000]
    assert "Tue 13 Oct 2026 18:00 to 20:00" in lines[0].description
    assert draft.total_pence == 15000
    assert draft.number is None
    assert draft.status == Invoice.Status.DRAFT
    assert actions(draft) == ["invoice.drafted"]


def test_draft_uses_the_stored_price_not_the_rate(hire, site, october, room):
    room.rate_evening_pence = 99999
    room.save()
    slot = hire.slots.order_by("starts_at").first()
    slot.price_pence = 1234
    slot.save()
    (invoice,) = invoices_build_month(actor=None, site=site, month=october)
    assert sorted(invoice.lines.values_list("amount_pence", flat=True)) == [
        1234,
        5000,
        5000,
    ]


def test_draft_leaves_out_pending_cancelled_and_free_dates(
    room, partner, site, october
):
    approved_booking(room=room, partner=partner, status=Booking.Status.PENDING)
    other = approved_booking(
        room=room, partner=partner, starts=london(2026, 10, 14, 18), title="Free"
    )
    assert Slot.objects.filter(booking=other, price_pence=0).exists()
    assert invoices_build_month(actor=None, site=site, month=october) == []


def test_building_again_adds_only_new_dates(draft, site, october, room, partner):
    extra = approved_booking(
        room=room, partner=partner, starts=london(2026, 10, 15, 18), weeks=1
    )
    extra.slots.update(price_pence=700)
    (again,) = invoices_build_month(actor=None, site=site, month=october)
    assert again.pk == draft.pk
    assert again.lines.count() == 4
    assert again.total_pence == 15700


def test_per_booking_sites_get_one_invoice_per_booking(
    hire, site, october, room, partner
):
    SiteBilling.objects.create(site=site, frequency=SiteBilling.Frequency.PER_BOOKING)
    other = approved_booking(
        room=room, partner=partner, starts=london(2026, 10, 15, 18), weeks=1
    )
    other.slots.update(price_pence=700)
    invoices = invoices_build_month(actor=None, site=site, month=october)
    assert sorted(i.booking_id for i in invoices) == sorted([hire.pk, other.pk])


def test_vat_is_added_once_and_rounded_half_up(hire, site, october):
    SiteBilling.objects.create(site=site, vat_rate_bp=2000)
    hire.slots.update(price_pence=3333)
    (invoice,) = invoices_build_month(actor=None, site=site, month=october)
    assert invoice.subtotal_pence == 9999
    assert invoice.vat_pence == 2000  # 1999.8 rounds up
    assert invoice.total_pence == 11999
    assert vat_on(5, 1000) == 1  # 0.5 half up
    assert vat_on(4, 1000) == 0


def test_only_the_manager_builds(site, october, partner_user, manager, other_manager):
    with pytest.raises(PermissionDenied):
        invoices_build_month(actor=partner_user, site=site, month=october)
    with pytest.raises(PermissionDenied):
        invoices_build_month(actor=other_manager, site=site, month=october)
    assert invoices_build_month(actor=manager, site=site, month=october) == []


def test_command_builds_and_issues(hire, site):
    call_command("build_invoices", "--month", "2026-10", "--issue")
    invoice = Invoice.objects.get()
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.number


# --- Issue: numbers ----------------------------------------------------------


def test_issue_numbers_and_dates(issued):
    assert issued.number == "INV-HILLSIDE-00001"
    assert issued.issued_on == dt.date(2026, 10, 1)
    assert issued.due_on == dt.date(2026, 10, 31)  # 30 days by default
    assert issued.status == Invoice.Status.ISSUED
    assert actions(issued) == ["invoice.drafted", "invoice.issued"]


def test_issue_emails_the_partner(draft, partner, django_capture_on_commit_callbacks):
    partner.contact_email = "money@fal.example"
    partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        invoice_issue(actor=None, invoice=draft)
    assert [m.to for m in mail.outbox] == [["money@fal.example"]]
    assert "INV-HILLSIDE-00001" in mail.outbox[0].subject
    assert "£150.00" in mail.outbox[0].body


def test_numbers_run_per_trust_across_its_sites(hire, site, october, partner):
    trust = Trust.objects.create(name="Leeds Learning Trust", slug="llt")
    other_site = SiteFactory(trust=trust, slug="riverside")
    site.trust = trust
    site.save()
    other = approved_booking(
        room=RoomFactory(site=other_site),
        partner=partner,
        starts=london(2026, 10, 14, 18),
    )
    other.slots.update(price_pence=100)
    numbers = []
    for one in (site, other_site):
        (draft,) = invoices_build_month(actor=None, site=one, month=october)
        numbers.append(invoice_issue(actor=None, invoice=draft).number)
    assert numbers == ["INV-LLT-00001", "INV-LLT-00002"]


def test_a_failed_issue_leaves_no_gap(hire, site, october, room):
    first = PartnerFactory()
    empty = Invoice.objects.create(
        site=site,
        partner=first,
        period_start=october,
        period_end=dt.date(2026, 10, 31),
    )
    with pytest.raises(DomainError):
        invoice_issue(actor=None, invoice=empty)  # nothing to charge
    (draft,) = invoices_build_month(actor=None, site=site, month=october)
    assert invoice_issue(actor=None, invoice=draft).sequence == 1


def _three_partners_drafts(site, room, october):
    for day in (13, 14, 15):
        booking = approved_booking(
            room=room,
            partner=PartnerFactory(contact_email=f"p{day}@example.org"),
            starts=london(2026, 10, day, 18),
            weeks=2,
        )
        booking.slots.update(price_pence=1000 * day)
    return invoices_build_month(actor=None, site=site, month=october)


def test_the_monthly_run_issues_every_draft_in_order(
    site, room, october, manager, django_capture_on_commit_callbacks
):
    drafts = _three_partners_drafts(site, room, october)
    empty = Invoice.objects.create(
        site=site,
        partner=PartnerFactory(),
        period_start=october,
        period_end=dt.date(2026, 10, 31),
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        issued = invoices_issue_month(actor=manager, site=site, month=october)
    assert [i.pk for i in issued] == sorted(d.pk for d in drafts)
    assert [i.number for i in issued] == [
        "INV-HILLSIDE-00001",
        "INV-HILLSIDE-00002",
        "INV-HILLSIDE-00003",
    ]
    for invoice in issued:
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.ISSUED
        assert invoice.due_on == dt.date(2026, 10, 31)
        assert actions(invoice) == ["invoice.drafted", "invoice.issued"]
    assert sorted(i.total_pence for i in issued) == [26000, 28000, 30000]
    empty.refresh_from_db()
    assert (empty.status, empty.number) == (Invoice.Status.DRAFT, None)
    assert len(callbacks) == 1  # one task sends the run's emails
    assert sorted(m.to[0] for m in mail.outbox) == [
        "p13@example.org",
        "p14@example.org",
        "p15@example.org",
    ]
    assert invoices_issue_month(actor=manager, site=site, month=october) == []


def test_only_the_sites_manager_runs_the_month(
    site, room, october, partner_user, other_manager
):
    _three_partners_drafts(site, room, october)
    for actor in (partner_user, other_manager):
        with pytest.raises(PermissionDenied):
            invoices_issue_month(actor=actor, site=site, month=october)
    assert not Invoice.objects.exclude(status=Invoice.Status.DRAFT).exists()


def test_issuing_sends_the_email_by_a_task_after_commit(
    draft, partner, django_capture_on_commit_callbacks, monkeypatch
):
    """Nothing is sent inside the issuing transaction: the email is a Celery
    task queued on commit (run by a worker; eagerly without REDIS_URL)."""
    partner.contact_email = "money@fal.example"
    partner.save()
    queued = []
    monkeypatch.setattr(
        tasks.send_invoice_email, "delay", lambda *args: queued.append(args)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoice_issue(actor=None, invoice=draft)
    assert (queued, mail.outbox) == ([], [])
    for callback in callbacks:
        callback()
    assert queued == [(draft.pk, "issued")]
    assert mail.outbox == []


def test_only_a_draft_can_be_issued(issued):
    with pytest.raises(StateError):
        invoice_issue(actor=None, invoice=issued)


def test_partner_cannot_issue(draft, partner_user, other_manager):
    for actor in (partner_user, other_manager):
        with pytest.raises(PermissionDenied):
            invoice_issue(actor=actor, invoice=draft)
    draft.refresh_from_db()
    assert draft.number is None


# --- Immutability --------------------------------------------------------------


def test_lines_of_an_issued_invoice_cannot_change(issued):
    line = issued.lines.first()
    line.amount_pence = 1
    with pytest.raises(StateError):
        line.save()
    with pytest.raises(StateError):
        line.delete()
    with pytest.raises(StateError):
        InvoiceLine(invoice=issued, description="Extra", amount_pence=5).save()
    assert issued.lines.count() == 3


def test_frozen_fields_of_an_issued_invoice_cannot_change(issued):
    invoice = Invoice.objects.get(pk=issued.pk)
    invoice.total_pence = 1
    invoice.subtotal_pence = 1
    with pytest.raises(StateError):
        invoice.save()
    invoice = Invoice.objects.get(pk=issued.pk)
    invoice.number = "INV-X-1"
    with pytest.raises(StateError):
        invoice.save()
    assert Invoice.objects.get(pk=issued.pk).total_pence == 15000


def test_a_draft_can_change(draft):
    line = draft.lines.first()
    line.amount_pence = 1
    line.save()


# --- Void --------------------------------------------------------------------


def test_void_keeps_the_number(issued, manager):
    invoice = invoice_void(actor=manager, invoice=issued, reason="Wrong partner")
    assert invoice.status == Invoice.Status.VOID
    assert invoice.number == "INV-HILLSIDE-00001"
    assert "invoice.voided" in actions(invoice)


def test_void_of_an_issued_invoice_needs_a_reason(issued, manager):
    with pytest.raises(DomainError) as caught:
        invoice_void(actor=manager, invoice=issued, reason=" ")
    assert caught.value.field == "reason"


def test_voided_dates_can_be_invoiced_again(issued, manager, site, october):
    invoice_void(actor=manager, invoice=issued, reason="Wrong VAT")
    (again,) = invoices_build_month(actor=None, site=site, month=october)
    assert again.pk != issued.pk
    assert again.lines.count() == 3
    assert invoice_issue(actor=None, invoice=again).number == "INV-HILLSIDE-00002"


def test_a_paid_invoice_cannot_be_voided(issued, manager):
    invoice_payment_record(
        actor=manager, invoice=issued, amount_pence=100, method="cheque"
    )
    with pytest.raises(StateError):
        invoice_void(actor=manager, invoice=issued, reason="x")


def test_partner_cannot_void(issued, partner_user):
    with pytest.raises(PermissionDenied):
        invoice_void(actor=partner_user, invoice=issued, reason="x")


# --- Cancelled dates ---------------------------------------------------------


def _cancel(booking, slot, user, capture):
    with capture(execute=True):
        booking_cancel(booking=booking, cancelled_by=user, slot_id=slot.pk)


def test_a_date_cancelled_early_leaves_the_draft(
    draft, hire, partner_user, django_capture_on_commit_callbacks
):
    last = (
        hire.slots.filter(starts_at__lt=london(2026, 11, 1))
        .order_by("starts_at")
        .last()
    )
    _cancel(hire, last, partner_user, django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert draft.lines.count() == 2
    assert draft.total_pence == 10000


def test_a_date_cancelled_late_is_charged_on_the_draft(
    draft, hire, partner_user, time_machine, django_capture_on_commit_callbacks
):
    first = hire.slots.order_by("starts_at").first()
    time_machine.move_to(first.starts_at - dt.timedelta(hours=24), tick=False)
    _cancel(hire, first, partner_user, django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    kinds = sorted(draft.lines.values_list("kind", "amount_pence"))
    assert kinds == [("cancellation", 5000), ("hire", 5000), ("hire", 5000)]
    assert draft.total_pence == 15000


def test_the_policy_sets_the_late_charge(
    draft, hire, site, partner_user, time_machine, django_capture_on_commit_callbacks
):
    SiteBilling.objects.create(
        site=site, cancellation_window_hours=72, cancellation_charge_percent=50
    )
    first = hire.slots.order_by("starts_at").first()
    time_machine.move_to(first.starts_at - dt.timedelta(hours=60), tick=False)
    _cancel(hire, first, partner_user, django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert draft.total_pence == 12500


def test_a_date_cancelled_after_issue_gets_a_credit_note(
    issued, hire, partner_user, django_capture_on_commit_callbacks
):
    last = (
        hire.slots.filter(starts_at__lt=london(2026, 11, 1))
        .order_by("starts_at")
        .last()
    )
    _cancel(hire, last, partner_user, django_capture_on_commit_callbacks)
    issued.refresh_from_db()
    note = issued.credit_notes.get()
    assert note.number == "CN-HILLSIDE-00001"
    assert note.total_pence == 5000
    assert note.lines.get().kind == InvoiceLine.Kind.CREDIT
    assert issued.credited_pence == 5000
    assert issued.balance_pence == 10000
    assert issued.lines.count() == 3  # the invoice itself never changes
    assert "invoice.credited" in actions(issued)


def test_a_late_cancellation_after_issue_is_not_credited(
    issued, hire, partner_user, time_machine, django_capture_on_commit_callbacks
):
    first = hire.slots.order_by("starts_at").first()
    time_machine.move_to(first.starts_at - dt.timedelta(hours=2), tick=False)
    _cancel(hire, first, partner_user, django_capture_on_commit_callbacks)
    assert not issued.credit_notes.exists()


def test_credit_notes_are_idempotent(issued, hire):
    last = (
        hire.slots.filter(starts_at__lt=london(2026, 11, 1))
        .order_by("starts_at")
        .last()
    )
    Slot.objects.filter(pk=last.pk).update(state=Slot.State.CANCELLED, is_active=False)
    for _ in range(3):
        slots_cancelled_apply(slot_ids=[last.pk], reason="Cancelled")
    issued.refresh_from_db()
    assert issued.credit_notes.count() == 1
    assert issued.credited_pence == 5000


def test_credit_vat_follows_the_invoice(hire, site, october):
    SiteBilling.objects.create(site=site, vat_rate_bp=2000)
    (draft,) = invoices_build_month(actor=None, site=site, month=october)
    invoice = invoice_issue(actor=None, invoice=draft)
    assert invoice.total_pence == 18000
    last = (
        hire.slots.filter(starts_at__lt=london(2026, 11, 1))
        .order_by("starts_at")
        .last()
    )
    Slot.objects.filter(pk=last.pk).update(state=Slot.State.CANCELLED, is_active=False)
    slots_cancelled_apply(slot_ids=[last.pk], reason="Cancelled")
    note = invoice.credit_notes.get()
    assert (note.subtotal_pence, note.vat_pence, note.total_pence) == (5000, 1000, 6000)


def test_a_late_cancellation_of_an_uninvoiced_date_goes_on_a_draft(
    hire, site, partner_user, time_machine, django_capture_on_commit_callbacks
):
    first = hire.slots.order_by("starts_at").first()
    time_machine.move_to(first.starts_at - dt.timedelta(hours=1), tick=False)
    _cancel(hire, first, partner_user, django_capture_on_commit_callbacks)
    draft = Invoice.objects.get()
    assert draft.status == Invoice.Status.DRAFT
    assert list(draft.lines.values_list("kind", flat=True)) == ["cancellation"]


# --- Overdue -----------------------------------------------------------------


def test_overdue_and_reminded_once_a_week(
    issued, partner, time_machine, django_capture_on_commit_callbacks
):
    partner.contact_email = "money@fal.example"
    partner.save()
    time_machine.move_to(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_overdue_reminders() == 1
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.OVERDUE
    assert "overdue" in mail.outbox[-1].subject
    assert tasks.send_overdue_reminders() == 0
    time_machine.move_to(dt.datetime(2026, 11, 9, 9, tzinfo=dt.UTC), tick=False)
    assert tasks.send_overdue_reminders() == 1
    assert "invoice.overdue" in actions(issued)


def test_a_paid_invoice_is_never_overdue(issued, manager, time_machine):
    invoice_payment_record(
        actor=manager, invoice=issued, amount_pence=15000, method="bank_transfer"
    )
    time_machine.move_to(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC), tick=False)
    tasks.send_overdue_reminders()
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.PAID


# --- Offline payments --------------------------------------------------------


def test_part_then_full_payment(issued, manager):
    invoice_payment_record(
        actor=manager,
        invoice=issued,
        amount_pence=5000,
        method="bank_transfer",
        reference="BACS 123",
        received_on=dt.date(2026, 10, 1),
    )
    issued.refresh_from_db()
    assert (issued.status, issued.paid_pence, issued.balance_pence) == (
        Invoice.Status.PART_PAID,
        5000,
        10000,
    )
    invoice_payment_record(
        actor=manager, invoice=issued, amount_pence=10000, method="cheque"
    )
    issued.refresh_from_db()
    assert (issued.status, issued.balance_pence) == (Invoice.Status.PAID, 0)
    assert actions(issued).count("invoice.payment_recorded") == 2


@pytest.mark.parametrize("amount", [0, -5, 15001])
def test_amounts_outside_the_balance_are_refused(issued, manager, amount):
    with pytest.raises(DomainError) as caught:
        invoice_payment_record(
            actor=manager, invoice=issued, amount_pence=amount, method="cheque"
        )
    assert caught.value.field == "amount_pence"
    assert not Payment.objects.exists()


def test_paying_a_paid_void_or_draft_invoice_is_refused(issued, draft, manager):
    invoice_payment_record(
        actor=manager, invoice=issued, amount_pence=15000, method="cheque"
    )
    for invoice in (issued, draft):
        with pytest.raises(StateError):
            invoice_payment_record(
                actor=manager, invoice=invoice, amount_pence=1, method="cheque"
            )


def test_card_is_not_an_offline_method(issued, manager):
    with pytest.raises(DomainError) as caught:
        invoice_payment_record(
            actor=manager, invoice=issued, amount_pence=1, method="card"
        )
    assert caught.value.field == "method"


def test_future_received_date_is_refused(issued, manager):
    with pytest.raises(DomainError) as caught:
        invoice_payment_record(
            actor=manager,
            invoice=issued,
            amount_pence=1,
            method="cheque",
            received_on=dt.date(2026, 10, 2),
        )
    assert caught.value.field == "received_on"


def test_only_the_sites_manager_records_payments(issued, partner_user, other_manager):
    for actor in (partner_user, other_manager):
        with pytest.raises(PermissionDenied):
            invoice_payment_record(
                actor=actor, invoice=issued, amount_pence=1, method="cheque"
            )
    assert not Payment.objects.exists()


def test_credit_reduces_what_can_be_paid(issued, hire, manager):
    last = (
        hire.slots.filter(starts_at__lt=london(2026, 11, 1))
        .order_by("starts_at")
        .last()
    )
    Slot.objects.filter(pk=last.pk).update(state=Slot.State.CANCELLED, is_active=False)
    slots_cancelled_apply(slot_ids=[last.pk], reason="Cancelled")
    with pytest.raises(DomainError):
        invoice_payment_record(
            actor=manager, invoice=issued, amount_pence=15000, method="cheque"
        )
    invoice_payment_record(
        actor=manager, invoice=issued, amount_pence=10000, method="cheque"
    )
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.PAID
