"""The attended-marks rollup (reports/rollup.py): the table, its triggers,
and the rows for the marks already recorded."""

import django.db.models.deletion
from django.db import migrations, models


def create_and_fill(apps, schema_editor):
    from reports import rollup

    rollup.triggers_create(schema_editor)
    rollup.rollup_rebuild(schema_editor.connection)


def drop(apps, schema_editor):
    from reports import rollup

    rollup.triggers_drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0006_household_findable_member_school"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AttendedMark",
            fields=[
                (
                    "attendance_id",
                    models.BigIntegerField(primary_key=True, serialize=False),
                ),
                ("child", models.BooleanField()),
                ("walk_in", models.BooleanField()),
                (
                    "household",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="activities.household",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="activities.householdmember",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="activities.session",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["session", "household", "member", "child", "walk_in"],
                        name="reports_mark_session_covering",
                    )
                ],
            },
        ),
        migrations.RunPython(create_and_fill, drop),
    ]
