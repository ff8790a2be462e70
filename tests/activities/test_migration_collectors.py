"""Migration 0008 carries each household's free-text `authorised_collectors`
into one AuthorisedCollector record (the first line, less a phone number, as
the name; the phone number found; the whole text kept in the notes), and 0009
drops the old field. Backwards, the records become lines of text again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from activities.models import AuthorisedCollector

CARRIED = [("activities", "0008_collectors_and_cancelled_dates")]


def _before():
    """The migration just before 0008 (0007 if the reports helper added one)."""
    executor = MigrationExecutor(connection)
    parents = executor.loader.graph.node_map[CARRIED[0]].parents
    return [p.key for p in parents if p.key[0] == "activities"]


def migrate(targets):
    """A fresh executor each time: the graph and the applied set change."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_households():
    """Households written the old way (one text field), at the migration
    before 0008; every app is put back at its latest migration afterwards."""
    old = migrate(_before())
    Household = old.get_model("activities", "Household")
    texts = {
        "khan": "Uncle Sami (uncle) 07700 900456",
        "walker": "Grandma Walker, 0113 496 0000\nAlso Mrs Ng next door",
        "none": "",
        "no phone": "Auntie Jo",
    }
    ids = {
        key: Household.objects.create(
            name=f"The {key} family",
            reference=f"REF{n:05d}",
            authorised_collectors=text,
        ).pk
        for n, (key, text) in enumerate(texts.items())
    }
    yield ids, texts
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_each_text_becomes_one_record_and_nothing_is_lost(old_households):
    ids, texts = old_households
    new = migrate(CARRIED)
    Collector = new.get_model("activities", "AuthorisedCollector")
    rows = {
        c.household_id: c
        for c in Collector.objects.all()  # exactly one per non-empty text
    }
    assert set(rows) == {ids["khan"], ids["walker"], ids["no phone"]}
    khan = rows[ids["khan"]]
    assert (khan.name, khan.phone) == ("Uncle Sami (uncle)", "07700 900456")
    walker = rows[ids["walker"]]
    assert (walker.name, walker.phone) == ("Grandma Walker", "0113 496 0000")
    jo = rows[ids["no phone"]]
    assert (jo.name, jo.phone) == ("Auntie Jo", "")
    for key in ("khan", "walker", "no phone"):
        assert texts[key] in rows[ids[key]].notes  # the whole text is kept

    # And the product reads them at the latest migration.
    migrate_to_latest()
    assert AuthorisedCollector.objects.count() == 3
    assert AuthorisedCollector.objects.get(household_id=ids["khan"]).name == (
        "Uncle Sami (uncle)"
    )


@pytest.mark.django_db(transaction=True)
def test_going_back_writes_the_records_as_text(old_households):
    ids, _ = old_households
    new = migrate(CARRIED)
    Collector = new.get_model("activities", "AuthorisedCollector")
    Collector.objects.create(
        household_id=ids["none"], name="Rita", relationship="aunt", phone="07700 900999"
    )
    old = migrate(_before())
    texts = dict(
        old.get_model("activities", "Household").objects.values_list(
            "pk", "authorised_collectors"
        )
    )
    assert texts[ids["none"]] == "Rita (aunt) 07700 900999"
    assert texts[ids["khan"]] == "Uncle Sami (uncle) 07700 900456"
