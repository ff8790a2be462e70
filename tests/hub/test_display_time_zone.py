"""Times on pages not tied to one school are shown in UK local time, not UTC."""

import datetime as dt

import time_machine
from django.urls import reverse

from partners.models import Partner
from partners.services import partner_approve
from tests.factories import PartnerFactory


def test_partner_history_shows_british_summer_time(client, manager):
    partner = PartnerFactory(status=Partner.Status.APPLIED)
    with time_machine.travel(
        dt.datetime(2026, 7, 1, 17, 30, tzinfo=dt.UTC), tick=False
    ):
        partner_approve(partner=partner, decided_by=manager, reason="Checked")
    client.force_login(manager)
    page = client.get(reverse("partners:detail", args=[partner.slug])).content.decode()
    assert "1 Jul 2026 18:30" in page  # 17:30 UTC is 18:30 BST
