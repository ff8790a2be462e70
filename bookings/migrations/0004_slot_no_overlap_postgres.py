"""Invariant 1 in the database: active slots of one room never overlap.

Only on PostgreSQL (btree_gist exclusion constraint). SQLite has no equivalent;
there the services serialise the check and the write in one IMMEDIATE
transaction (see bookings.services.locks).
"""

from django.db import migrations

CONSTRAINT = "slot_no_overlap_per_room"

EXTENSION = "CREATE EXTENSION IF NOT EXISTS btree_gist"
CREATE = f"""
ALTER TABLE bookings_slot ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (
        room_id WITH =,
        tstzrange(buffered_start, buffered_end, '[)') WITH &&
    ) WHERE (is_active)
"""
DROP = f"ALTER TABLE bookings_slot DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EXTENSION)
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0003_decisions_slot_state")]

    operations = [migrations.RunPython(forwards, backwards)]
