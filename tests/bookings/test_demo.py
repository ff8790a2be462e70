from django.core.management import call_command

from bookings.models import Booking
from bookings.selectors import approval_queue
from hub.models import StaffRole


def test_seed_demo_creates_a_realistic_mix_once(db):
    call_command("seed_demo")
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert statuses == {"approved", "pending", "declined"}
    assert (
        Booking.objects.filter(
            status="approved", recurrence_summary__startswith="Weekly"
        ).count()
        >= 3
    )
    manager = (
        StaffRole.objects.filter(
            role="business_manager", site__rooms__bookings__status="pending"
        )
        .first()
        .user
    )
    rows = approval_queue(actor=manager)
    assert any(row.clashes for row in rows)
    count = Booking.objects.count()
    call_command("seed_demo")
    assert Booking.objects.count() == count
