"""The demo seed: realistic, complete enough for every role, and idempotent."""

from django.core.management import call_command

from hub.demo import DEMO_PASSWORD
from hub.models import AuditEntry, Room, Site, StaffRole, Term
from partners.models import ComplianceDocument, Partner


def _counts():
    return {
        "sites": Site.objects.count(),
        "rooms": Room.objects.count(),
        "partners": Partner.objects.count(),
        "documents": ComplianceDocument.objects.count(),
        "terms": Term.objects.count(),
        "roles": StaffRole.objects.count(),
    }


def test_seed_demo_builds_a_partnership_and_is_idempotent(db, capsys):
    call_command("seed_demo")
    first = _counts()
    assert first["sites"] == 3
    assert first["rooms"] == 12
    assert first["partners"] == 8
    assert Partner.objects.filter(status=Partner.Status.APPLIED).count() == 1
    assert first["terms"] == 6  # this school year and next
    # A room's django-scheduler calendar is made with its first booking.
    booked = Room.objects.filter(bookings__isnull=False).distinct()
    assert booked.exists()
    assert not booked.filter(calendar__isnull=True).exists()
    output = capsys.readouterr().out
    assert "manager1" in output and DEMO_PASSWORD in output

    call_command("seed_demo")
    assert _counts() == first


def test_seed_demo_logins_work_and_documents_include_expiry_problems(db, client):
    call_command("seed_demo")
    response = client.post(
        "/accounts/login/", {"username": "manager1", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, "the demo manager can sign in"
    from django.utils import timezone

    today = timezone.localdate()
    insurance = ComplianceDocument.objects.filter(kind="insurance")
    assert insurance.filter(expires_on__lt=today).count() == 1
    assert insurance.filter(
        expires_on__gte=today, expires_on__lte=today.replace(year=today.year + 1)
    ).exists()
    soon = [
        d for d in insurance if d.expires_on and 0 <= (d.expires_on - today).days <= 30
    ]
    assert len(soon) == 1


def test_every_demo_partner_has_the_history_the_services_would_have_written(db):
    """The review page shows a partner's history: the application, then the
    decision. A demo partner with none looked as if it came from nowhere."""
    call_command("seed_demo")
    for partner in Partner.objects.all():
        actions = list(
            AuditEntry.objects.filter(
                object_id=str(partner.pk), action__startswith="partner."
            )
            .order_by("pk")
            .values_list("action", flat=True)
        )
        expected = ["partner.applied"]
        if partner.status == Partner.Status.APPROVED:
            expected.append("partner.approved")
        assert actions == expected, partner.name
    call_command("seed_demo")  # again: no second history
    assert AuditEntry.objects.filter(action="partner.applied").count() == (
        Partner.objects.count()
    )
