"""Who reads reports across a whole trust.

Business managers, partners and link workers read reports through the roles
they already hold (hub.StaffRole, partners.PartnerMembership); a trust
administrator is the one reader with no other home, so the reports app keeps
that assignment (made by a platform admin in the admin site).
"""

from django.conf import settings
from django.db import models


class TrustAdministrator(models.Model):
    """A person who may read the impact reports of every site of one trust."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="trust_admin_roles",
    )
    trust = models.ForeignKey(
        "hub.Trust", on_delete=models.CASCADE, related_name="administrators"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trust", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "trust"],
                name="trust_administrator_unique",
                violation_error_message="Trust: this person already administers "
                "that trust. Choose another trust or person.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} administers {self.trust}"
