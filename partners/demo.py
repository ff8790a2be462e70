"""Demo partner organisations, their compliance documents and staff accounts.

Called by `manage.py seed_demo` (portal) after the hub's schools and staff
exist. Idempotent: everything is found or created on natural keys.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from hub.audit import audit_record
from hub.demo import DemoLogin, Progress, demo_user
from partners.models import ComplianceDocument, Partner, PartnerMembership

# A minimal valid one-page PDF, so uploaded demo documents open in a viewer.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

PARTNERS = [
    (
        "Family Action Leeds",
        "charity",
        "264713",
        "charity",
        "Whole-family support and parenting courses.",
    ),
    (
        "Holbeck Food Collective",
        "cic",
        "12345678",
        "charity",
        "Cook-and-eat sessions and a community pantry.",
    ),
    (
        "Beeston Youth Football",
        "community_group",
        "",
        "standard",
        "Football for children aged 5 to 14.",
    ),
    (
        "Leeds Citizens Advice",
        "charity",
        "1093741",
        "charity",
        "Money, debt and benefits advice.",
    ),
    (
        "South Leeds Health Visiting",
        "statutory",
        "",
        "member",
        "Health visitors' drop-ins for families with babies.",
    ),
    (
        "Hillside After-School Club",
        "school_club",
        "",
        "member",
        "Wraparound care for Hillside pupils.",
    ),
    ("Rainbow Arts", "cic", "09876543", "standard", "Creative arts for families."),
    (
        "New Start Parents Group",
        "community_group",
        "",
        "standard",
        "Peer support for new parents.",
    ),
]


# The admin of each demo partner, in order.
PARTNER_STAFF_NAMES = [
    ("Chris", "Lee"),
    ("Nadia", "Hussain"),
    ("Gareth", "Price"),
    ("Fatima", "Begum"),
    ("Owen", "Clarke"),
    ("Mei", "Chen"),
    ("Rachel", "Green"),
    ("Kwame", "Mensah"),
]


@transaction.atomic
def seed_demo_partners(*, progress: Progress, manager) -> list[DemoLogin]:
    """The partners (one still applied, the rest approved by `manager`), each
    with an admin account. Returns the logins worth printing."""
    logins = []
    partners = seed_partners(progress, manager)
    for index, partner in enumerate(partners, start=1):
        first, last = PARTNER_STAFF_NAMES[(index - 1) % len(PARTNER_STAFF_NAMES)]
        user = demo_user(f"partner{index}", first=first, last=last)
        _, joined = PartnerMembership.objects.get_or_create(
            partner=partner, user=user, defaults={"role": PartnerMembership.Role.ADMIN}
        )
        if joined:
            _history(partner, applicant=user, manager=manager)
        if index in (1, len(partners)):
            logins.append(DemoLogin("Partner staff", user.username, partner.name))
    return logins


def _history(partner: Partner, *, applicant, manager) -> None:
    """What the services would have recorded: the application, then the
    decision (the review page and the partner's page show this history)."""
    audit_record(
        actor=applicant,
        action="partner.applied",
        obj=partner,
        reason="Demo data",
        changes={"status": [None, Partner.Status.APPLIED]},
    )
    if partner.status == Partner.Status.APPROVED:
        audit_record(
            actor=manager,
            action="partner.approved",
            obj=partner,
            reason=partner.status_reason,
            changes={"status": [Partner.Status.APPLIED, Partner.Status.APPROVED]},
        )


def seed_partners(progress: Progress, manager) -> list[Partner]:
    today = timezone.localdate()
    partners = []
    for index, (name, kind, number, band, description) in enumerate(PARTNERS):
        slug = name.lower().replace(" ", "-").replace("'", "")
        status = (
            Partner.Status.APPLIED
            if index == len(PARTNERS) - 1
            else Partner.Status.APPROVED
        )
        partner, created = Partner.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "registration_number": number,
                "description": description,
                "contact_name": f"{name} office",
                "contact_email": f"hello@{slug}.example.org",
                "contact_phone": "0113 496 0100",
                "status": status,
                "rate_band": band,
                "charity_discount_percent": 30 if band == "charity" else 0,
                "status_decided_by": manager
                if status == Partner.Status.APPROVED
                else None,
                "status_decided_at": timezone.now()
                if status == Partner.Status.APPROVED
                else None,
                "status_reason": "Documents checked."
                if status == Partner.Status.APPROVED
                else "",
            },
        )
        if created:
            seed_documents(partner, index, today, manager)
        partners.append(partner)
    progress(f"{len(partners)} partner organisations with compliance documents")
    return partners


def seed_documents(partner, index, today, manager) -> None:
    # Partner 2's insurance expires within 30 days, partner 3's has expired.
    expiry = {2: today + dt.timedelta(days=12), 3: today - dt.timedelta(days=20)}.get(
        index, today + dt.timedelta(days=200 + index * 10)
    )
    verified = partner.status == Partner.Status.APPROVED
    for kind in ComplianceDocument.Kind.values:
        doc = ComplianceDocument(
            partner=partner,
            kind=kind,
            cover_amount_pence=500_000_000 if kind == "insurance" else None,
            expires_on=expiry if kind in ("insurance", "dbs") else None,
            verified_by=manager if verified else None,
            verified_at=timezone.now() if verified else None,
        )
        doc.file.save(f"{kind}.pdf", ContentFile(DEMO_PDF), save=False)
        doc.save()
