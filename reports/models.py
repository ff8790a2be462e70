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


class AttendedMark(models.Model):
    """One register mark that counts as attended, with its member's household
    and whether the member is a child beside it: the rollup the report's
    attendance figures read (reports/rollup.py). Kept by database triggers in
    the same transaction as the mark; never written by Python code except
    `reports.rollup.rollup_rebuild`. No foreign key constraints: the triggers
    remove a row when its mark goes, and nothing else may block a deletion."""

    attendance_id = models.BigIntegerField(primary_key=True)
    session = models.ForeignKey(
        "activities.Session",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the covering index below starts with it
        related_name="+",
    )
    member = models.ForeignKey(
        "activities.HouseholdMember",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    household = models.ForeignKey(
        "activities.Household",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    child = models.BooleanField()
    walk_in = models.BooleanField()

    class Meta:
        # The report reads every row of the sessions that ran: (session,
        # household, member) so PostgreSQL can answer from the index alone.
        indexes = [
            models.Index(
                fields=["session", "household", "member", "child", "walk_in"],
                name="reports_mark_session_covering",
            )
        ]

    def __str__(self) -> str:
        return f"Attended mark {self.attendance_id}"


class ReportExport(models.Model):
    """A report file made in the background (reports/exports_async.py): asked
    for by one person, made by a Celery task that records its progress here,
    and downloadable only by that person while they may still read its scope.
    The file is kept in the row (a report is a few kilobytes), so every
    application process and worker sees it without shared storage. Its id
    need not be secret: only the person who asked may read it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Could not be made"

    class Kind(models.TextChoices):
        IMPACT = "impact", "Impact report"
        TERMLY = "termly", "Termly return"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_exports",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    fmt = models.CharField("format", max_length=4, choices=Format.choices)
    scope_key = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    # The period and breakdown as asked ({"term", "year", "starts_on",
    # "ends_on", "by"}), read again by the task with period_from.
    params = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    percent = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, editable=False)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["requested_by", "-created_at"],
                name="reports_export_user_recent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} file ({self.fmt}) for {self.scope_key}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
