"""Changes the reports app owns: who administers a trust's reports."""

from django.db import transaction

from hub.audit import audit_record
from hub.errors import DomainError
from hub.rules import require_perm
from reports.models import TrustAdministrator


@transaction.atomic
def trust_administrator_add(
    *, actor, user, trust, reason: str = ""
) -> TrustAdministrator:
    """Let `user` read the reports of every site of `trust` (platform admins only).
    Audited as "trust_administrator.added"."""
    require_perm(actor, "reports.assign_trust_administrator", trust)
    if TrustAdministrator.objects.filter(user=user, trust=trust).exists():
        raise DomainError(
            f"{user} already administers {trust}. Choose another person or trust.",
            field="user",
        )
    role = TrustAdministrator.objects.create(user=user, trust=trust)
    audit_record(
        actor=actor,
        action="trust_administrator.added",
        obj=role,
        reason=reason,
        changes={"user": [None, user.pk], "trust": [None, trust.pk]},
    )
    return role
