"""The Invoices and Income pages: what each person sees and may do, card
payment shown only with Stripe keys, offline payments by form, the printable
invoice, the CSV for finance, query counts, private caching."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from payments.invoicing import invoice_issue, invoices_build_month
from payments.models import Invoice, Payment
from tests.activities.factories import approved_booking, london
from tests.factories import PartnerFactory, PartnerMembershipFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def detail(invoice) -> str:
    return reverse("payments:invoice", args=[invoice.pk])


def test_partner_sees_their_issued_invoice_to_pay(client, partner_user, issued, draft):
    client.force_login(partner_user)
    page = client.get(reverse("payments:invoices"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "INV-HILLSIDE-00001" in text
    assert "£150.00" in text
    assert page["Cache-Control"] == "no-store, private"


def test_partner_never_sees_drafts(client, partner_user, draft):
    client.force_login(partner_user)
    assert "Draft" not in client.get(reverse("payments:invoices")).content.decode()
    assert client.get(detail(draft)).status_code == 404


def test_other_partners_and_outsiders_get_404(client, issued, other_partner, outsider):
    for user in (PartnerMembershipFactory(partner=other_partner).user, outsider):
        client.force_login(user)
        assert client.get(detail(issued)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, issued):
    response = client.get(detail(issued))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_invoice_page_prints(client, partner_user, issued):
    client.force_login(partner_user)
    text = client.get(detail(issued)).content.decode()
    assert "data-print" in text
    assert "Tue 13 Oct 2026 18:00 to 20:00" in text
    assert "VAT at 0%" in text
    assert "Still to pay" in text


def test_no_keys_no_card_payment(client, partner_user, issued, stripe_off):
    client.force_login(partner_user)
    text = client.get(detail(issued)).content.decode()
    assert "Pay £150.00 by card" not in text
    assert "stripe" not in text.lower()


def test_with_keys_the_partner_can_pay_by_card(
    client, partner_user, issued, stripe_keys
):
    client.force_login(partner_user)
    text = client.get(detail(issued)).content.decode()
    assert "Pay £150.00 by card" in text
    assert "js.stripe.com/v3/" in text
    assert "payments/invoice-pay.js" in text
    assert 'data-stripe-key="pk_test_hub"' in text


def test_manager_sees_no_card_form_but_records_payments(
    client, manager, issued, stripe_keys
):
    client.force_login(manager)
    text = client.get(detail(issued)).content.decode()
    assert "by card" not in text
    assert "Record a payment received" in text


def test_manager_records_a_part_payment(client, manager, issued):
    client.force_login(manager)
    response = client.post(
        reverse("payments:invoice-record-payment", args=[issued.pk]),
        {
            "pay-amount": "50.00",
            "pay-method": "bank_transfer",
            "pay-reference": "BACS 991",
            "pay-received_on": "2026-10-01",
        },
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert (issued.status, issued.paid_pence) == (Invoice.Status.PART_PAID, 5000)


def test_over_the_balance_is_an_error_on_the_amount(client, manager, issued):
    client.force_login(manager)
    response = client.post(
        reverse("payments:invoice-record-payment", args=[issued.pk]),
        {
            "pay-amount": "150.01",
            "pay-method": "cheque",
            "pay-received_on": "2026-10-01",
        },
    )
    assert response.status_code == 400
    assert response.context["record_form"].errors["amount"]
    assert "more than the balance" in response.content.decode()
    assert not Payment.objects.exists()


def test_partner_cannot_record_a_payment(client, partner_user, issued):
    client.force_login(partner_user)
    response = client.post(
        reverse("payments:invoice-record-payment", args=[issued.pk]),
        {"pay-amount": "1", "pay-method": "cheque", "pay-received_on": "2026-10-01"},
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_manager_issues_a_draft(client, manager, draft):
    client.force_login(manager)
    response = client.post(reverse("payments:invoice-issue", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.number == "INV-HILLSIDE-00001"


def test_void_needs_a_reason(client, manager, issued):
    client.force_login(manager)
    url = reverse("payments:invoice-void", args=[issued.pk])
    response = client.post(url, {"void-reason": ""})
    assert response.status_code == 400
    assert response.context["void_form"].errors["reason"]
    response = client.post(url, {"void-reason": "Wrong partner"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.VOID


# --- Income ------------------------------------------------------------------


def income_url(site, month="2026-10") -> str:
    return reverse("payments:income") + f"?site={site.pk}&month={month}"


def test_income_shows_paid_unpaid_overdue_as_chart_and_table(
    client, manager, issued, site
):
    from payments.services import invoice_payment_record

    invoice_payment_record(
        actor=manager, invoice=issued, amount_pence=5000, method="cheque"
    )
    client.force_login(manager)
    page = client.get(income_url(site))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'class="bar-chart"' in text
    assert "<caption>Totals of the month&#x27;s issued invoices</caption>" in text or (
        "Totals of the month" in text
    )
    assert "£50.00" in text  # paid
    assert "£100.00" in text  # unpaid
    assert "INV-HILLSIDE-00001" in text


def test_income_is_for_business_managers_of_the_site(
    client, partner_user, other_manager, site, issued
):
    client.force_login(partner_user)
    assert client.get(income_url(site)).status_code == 403
    client.force_login(other_manager)
    page = client.get(income_url(site))  # not their site: falls back to their own
    assert "Hillside" not in page.content.decode().split("<h2>")[1]


def test_income_csv_for_finance(client, manager, issued, site):
    client.force_login(manager)
    response = client.get(
        reverse("payments:income-csv") + f"?site={site.pk}&month=2026-10"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [
        {
            "number": "INV-HILLSIDE-00001",
            "type": "invoice",
            "issued_on": "2026-10-01",
            "due_on": "2026-10-31",
            "status": "issued",
            "partner": "Family Action Leeds",
            "site": "Hillside Primary",
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "net_pence": "15000",
            "vat_pence": "0",
            "total_pence": "15000",
            "credited_pence": "0",
            "paid_pence": "0",
            "balance_pence": "15000",
            "credit_for": "",
        }
    ]


def test_csv_cells_cannot_start_a_formula(client, manager, site, room, october):
    partner = PartnerFactory(name="=HYPERLINK(1)", slug="evil")
    booking = approved_booking(room=room, partner=partner)
    booking.slots.update(price_pence=100)
    (draft,) = invoices_build_month(actor=None, site=site, month=october)
    invoice_issue(actor=None, invoice=draft)
    client.force_login(manager)
    response = client.get(
        reverse("payments:income-csv") + f"?site={site.pk}&month=2026-10"
    )
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_manager_builds_drafts_from_the_income_page(client, manager, hire, site):
    client.force_login(manager)
    response = client.post(
        reverse("payments:income-build"), {"site": site.pk, "month": "2026-10"}
    )
    assert response.status_code == 302
    assert Invoice.objects.get().status == Invoice.Status.DRAFT


def test_building_or_issuing_a_month_with_nothing_to_do_says_why(client, manager, site):
    client.force_login(manager)
    data = {"site": site.pk, "month": "2026-10"}
    built = client.post(reverse("payments:income-build"), data, follow=True)
    page = built.content.decode()
    assert "No draft invoices to build for" in page and "October 2026" in page
    assert "free lettings are not invoiced" in page
    issued = client.post(reverse("payments:income-issue"), data, follow=True)
    assert "No drafts to issue for" in issued.content.decode()
    assert "build the month&#x27;s drafts first" in issued.content.decode()
    assert not Invoice.objects.exists()


def test_manager_issues_the_months_drafts_from_the_income_page(
    client, manager, partner_user, draft, site
):
    client.force_login(manager)
    income = client.get(reverse("payments:income") + f"?site={site.pk}&month=2026-10")
    assert "Issue all 1 draft and email the partners" in income.content.decode()
    client.force_login(partner_user)  # not the school's: refused, nothing issued
    data = {"site": site.pk, "month": "2026-10"}
    assert client.post(reverse("payments:income-issue"), data).status_code == 403
    client.force_login(manager)
    response = client.post(reverse("payments:income-issue"), data, follow=True)
    assert "1 invoice issued and emailed to the partners." in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (Invoice.Status.ISSUED, "INV-HILLSIDE-00001")


def test_pages_run_a_fixed_number_of_queries(
    client,
    manager,
    partner_user,
    site,
    room,
    partner,
    october,
    django_assert_max_num_queries,
):
    for day in range(1, 6):
        extra = approved_booking(
            room=room,
            partner=partner,
            starts=london(2026, 10, day, 8),
            weeks=1,
            hours=1,
        )
        extra.slots.update(price_pence=100 * day)
    (draft,) = invoices_build_month(actor=None, site=site, month=october)
    invoice = invoice_issue(actor=None, invoice=draft)
    client.force_login(partner_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("payments:invoices")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(detail(invoice)).status_code == 200
    client.force_login(manager)
    with django_assert_max_num_queries(15):  # 14 + the paid activity places
        assert client.get(income_url(site)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(detail(invoice)).status_code == 200


# --- Invoicing settings ------------------------------------------------------


def billing_url(site) -> str:
    return reverse("payments:site-billing", args=[site.pk])


BILLING = {
    "frequency": "per_booking",
    "vat_percent": "20",
    "vat_number": "GB123456789",
    "payment_terms_days": "14",
    "cancellation_window_hours": "72",
    "cancellation_charge_percent": "50",
    "remittance_details": "Sort code 00-00-00",
}


def test_manager_sets_vat_and_policy(client, manager, site, hire, october):
    from hub.models import AuditEntry
    from payments.models import SiteBilling

    client.force_login(manager)
    assert client.get(billing_url(site)).status_code == 200
    response = client.post(billing_url(site), BILLING)
    assert response.status_code == 302
    billing = SiteBilling.objects.get(site=site)
    assert (billing.vat_rate_bp, billing.payment_terms_days) == (2000, 14)
    assert billing.cancellation_charge_percent == 50
    assert AuditEntry.objects.filter(action="site_billing.changed").count() == 1
    (invoice,) = invoices_build_month(actor=None, site=site, month=october)
    assert (invoice.booking_id, invoice.vat_pence) == (hire.pk, 3000)


def test_billing_errors_name_the_field(client, manager, site):
    client.force_login(manager)
    response = client.post(billing_url(site), {**BILLING, "vat_percent": "120"})
    assert response.status_code == 400
    assert response.context["form"].errors["vat_percent"]


def test_only_the_sites_manager_changes_billing(
    client, partner_user, other_manager, site
):
    for user in (partner_user, other_manager):
        client.force_login(user)
        assert client.get(billing_url(site)).status_code == 403
        assert client.post(billing_url(site), BILLING).status_code == 403
