"""The layering contract in pyproject.toml ([tool.importlinter]) holds, and it
would catch a new upward import: hub importing portal makes it fail.

bin/test also runs `lint-imports` right after ruff, so the build stops on a
new cycle before any test runs.
"""

import tomllib
from pathlib import Path

import grimp
import pytest
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]


@pytest.fixture
def graph(config, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    return grimp.build_graph(*config["root_packages"], cache_dir=None)


def _layers_contract(config) -> LayersContract:
    (spec,) = [c for c in config["contracts"] if c["id"] == "layers"]
    options = {k: v for k, v in spec.items() if k not in {"id", "name", "type"}}
    session = {k: v for k, v in config.items() if k != "contracts"}
    return LayersContract(
        name=spec["name"], session_options=session, contract_options=options
    )


def test_the_layers_go_from_portal_down_to_hub(config):
    (spec,) = [c for c in config["contracts"] if c["id"] == "layers"]
    assert spec["layers"][0] == "portal"
    assert spec["layers"][-1] == "hub"
    # A layer may hold independent siblings ("payments | reports | calendars").
    packages = {name.strip() for layer in spec["layers"] for name in layer.split("|")}
    assert packages == set(config["root_packages"])


def test_the_code_keeps_the_contract(config, graph):
    check = _layers_contract(config).check(graph, verbose=False)
    assert check.kept, check.metadata


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("hub.models", "portal.dashboard"),
        ("hub.rules", "partners.rules"),
        ("partners.services", "bookings.models"),
        ("bookings.services", "activities.models"),
        ("activities.services", "payments.models"),
        # Siblings in one layer are independent of each other.
        ("payments.models", "reports.models"),
        ("calendars.models", "payments.models"),
    ],
)
def test_an_upward_import_breaks_the_contract(config, graph, importer, imported):
    graph.add_import(
        importer=importer,
        imported=imported,
        line_number=1,
        line_contents=f"import {imported}",
    )
    assert not _layers_contract(config).check(graph, verbose=False).kept


def test_hub_urls_reach_the_apps_only_through_include_strings(graph):
    """hub.urls wires the apps with include("app.urls") strings: no import, so
    hub stays the ground floor."""
    imported = graph.find_modules_directly_imported_by("hub.urls")
    assert not {m for m in imported if m.split(".")[0] != "hub"}
