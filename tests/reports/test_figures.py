"""Every figure of the impact report, for every kind of reader and every
breakdown, equals the same figure recomputed in plain Python from the rows."""

import datetime as dt

from reports.figures import DIMENSIONS, impact_figures
from reports.periods import Period
from reports.scopes import scope_get
from tests.reports.expected import compare, expected_figures


def _scope(world, kind):
    user, key = {
        "all": (world.admin, "all"),
        "trust": (world.trust_admin, f"trust-{world.trust.pk}"),
        "site": (world.manager_a, f"site-{world.site_a.pk}"),
        "partner": (world.p1_user, f"partner-{world.p1.pk}"),
        "referrals": (world.link_worker, "referrals"),
    }[kind]
    return scope_get(user=user, key=key)


KINDS = ["all", "trust", "site", "partner", "referrals"]


def test_every_figure_matches_the_rows(world, autumn, now):
    """Every reader's scope, every breakdown (one world: it is slow to build)."""
    for kind in KINDS:
        scope = _scope(world, kind)
        for by in DIMENSIONS:
            rows, total = impact_figures(scope=scope, period=autumn, by=by)
            expected_rows, expected_total = expected_figures(
                scope=scope, period=autumn, by=by, now=now
            )
            compare(rows, total, expected_rows, expected_total, by=by, scope=scope)


PERIODS = [
    Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31), "October"),
    Period(dt.date(2026, 9, 1), dt.date(2027, 8, 31), "School year"),
    Period(dt.date(2027, 1, 1), dt.date(2027, 3, 31), "Spring, nothing yet"),
]


def test_other_periods_match_the_rows(world, now):
    scope = _scope(world, "all")
    for period in PERIODS:
        for by in ("site", "area"):
            rows, total = impact_figures(scope=scope, period=period, by=by)
            expected = expected_figures(scope=scope, period=period, by=by, now=now)
            compare(rows, total, *expected, by=by, scope=scope)


def test_the_world_has_something_to_count(world, autumn):
    """Guard: the comparisons above are not all zeros."""
    _, total = impact_figures(scope=_scope(world, "all"), period=autumn, by="site")
    assert total["sessions"] >= 10
    assert total["places_attended"] >= 20
    assert total["repeat_households"] >= 5
    assert total["walk_ins"] >= 3
    assert total["referrals_attended"] >= 1
    assert total["free_value"] > 0
    assert 0 < total["hours_let"] < total["hours_open"]


def test_a_link_worker_counts_only_their_own_referrals(world, autumn):
    """Four of theirs in the period (one was made in August; the other link
    worker's is not theirs)."""
    _, total = impact_figures(
        scope=_scope(world, "referrals"), period=autumn, by="site"
    )
    assert total["referrals"] == 4
    assert total["hours_let"] is None  # no room figures for referrals
