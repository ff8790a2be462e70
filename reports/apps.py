from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _rollup_triggers(using="default", **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds the table:
    after every migrate, put back any that are missing and refill the rollup
    (reports/rollup.py)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from reports import rollup

    connection = connections[using]
    recorder = MigrationRecorder(connection)
    if ("reports", "0002_attended_mark_rollup") not in recorder.applied_migrations():
        return
    if not rollup.triggers_present(connection):
        rollup.triggers_create(using=connection)
        rollup.rollup_rebuild(connection)


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        post_migrate.connect(
            _rollup_triggers, sender=self, dispatch_uid="reports_rollup_triggers"
        )
