"""The payments demo: last month invoiced through the services, one paid, one
part paid, one overdue; running it again changes nothing."""

import datetime as dt

import pytest

from payments.demo import seed_demo_payments
from payments.models import Invoice
from tests.factories import PartnerFactory, PartnerMembershipFactory

pytestmark = pytest.mark.django_db


def test_demo_invoices(time_machine, site, room, manager, partner, partner_user):
    time_machine.move_to(dt.datetime(2026, 11, 15, 9, tzinfo=dt.UTC), tick=False)
    for _ in range(2):
        PartnerMembershipFactory(partner=PartnerFactory())
    said = []
    seed_demo_payments(progress=said.append)
    statuses = sorted(Invoice.objects.values_list("status", flat=True))
    assert statuses == ["overdue", "paid", "part_paid"]
    assert all(i.period_start == dt.date(2026, 10, 1) for i in Invoice.objects.all())
    assert "3 invoices for October 2026" in said[0]
    seed_demo_payments(progress=said.append)
    assert Invoice.objects.count() == 3


@pytest.mark.django_db
def test_demo_paid_activity(settings):
    """After seed_demo a manager and a family see paid places: the science
    club charges £2 a child a session, eligible families have free places,
    one place is paid in cash, one by transfer, one is still owed."""
    from django.core.management import call_command

    from activities.models import Activity
    from payments.models import Payment

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo")
    club = Activity.objects.get(title="Family science club")
    assert (club.price_pence, club.price_basis, club.price_covers) == (
        200,
        "child",
        "session",
    )
    places = list(club.signups.select_related("household").order_by("pk"))
    assert len(places) == 5
    free = [s for s in places if s.amount_pence == 0]
    assert len(free) == 2
    assert all(s.household.is_fsm_eligible for s in free)
    paid = Payment.objects.filter(signup__activity=club, status="succeeded")
    assert sorted(paid.values_list("method", flat=True)) == ["bank_transfer", "cash"]
    owed = [s for s in places if s.amount_pence and not s.payments.exists()]
    assert len(owed) == 1
    call_command("seed_demo")  # again: nothing new
    assert club.signups.count() == 5
    assert Activity.objects.filter(title="Family science club").count() == 1
