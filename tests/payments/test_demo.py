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
