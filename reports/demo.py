"""Demo report reader: a trust lead who reads every school's reports (the
business managers, partners and the link worker read theirs already).
Idempotent, through the service."""

from hub.demo import DemoLogin, demo_user, seed_admin
from hub.models import Trust
from reports.models import TrustAdministrator
from reports.services import trust_administrator_add

TRUST_LEAD = "trustlead"


def seed_demo_reports(*, progress) -> list[DemoLogin]:
    trust = Trust.objects.filter(slug="south-leeds-partnership").first()
    if trust is None:
        return []
    lead = demo_user(TRUST_LEAD, first="Tara", last="Osei")
    if not TrustAdministrator.objects.filter(user=lead, trust=trust).exists():
        trust_administrator_add(
            actor=seed_admin(), user=lead, trust=trust, reason="Demo data."
        )
    progress(f"Trust lead {TRUST_LEAD!r} reads the reports of {trust.name}")
    return [DemoLogin("Trust administrator", TRUST_LEAD, "reports for every school")]
