"""Terms, holidays and closures for many sites at once (hub.calendar_dates
`*_by_site`, the room finder's), one query each whatever the number of
sites, agreeing with the one-site functions that use them."""

import datetime as dt

import pytest

from hub.calendar_dates import (
    closed_days,
    closed_days_by_site,
    holiday_days,
    holiday_days_by_site,
    terms_between,
    terms_by_site,
)
from hub.models import Trust
from tests.factories import ClosureFactory, HolidayFactory, SiteFactory, TermFactory

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date(2026, 9, 1), dt.date(2027, 1, 31)


@pytest.fixture
def sites():
    """Two schools of one trust (trust-wide dates) and one on its own, which
    opens on bank holidays."""
    trust = Trust.objects.create(name="North Leeds Trust", slug="north-leeds")
    a = SiteFactory(trust=trust)
    b = SiteFactory(trust=trust)
    c = SiteFactory(closed_on_bank_holidays=False)
    TermFactory(site=None, trust=trust, name="Autumn term")
    TermFactory(site=c, name="Michaelmas", starts_on=dt.date(2026, 9, 7))
    HolidayFactory(site=None, trust=trust, name="Half term")
    HolidayFactory(
        site=b,
        name="Extra week",
        starts_on=dt.date(2026, 11, 2),
        ends_on=dt.date(2026, 11, 6),
    )
    ClosureFactory(site=a, reason="Polling station")
    ClosureFactory(
        site=c,
        reason="Boiler",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 2),
    )
    return [a, b, c]


def test_closures_and_bank_holidays_for_many_sites(sites):
    a, b, c = sites
    found = closed_days_by_site(sites, FIRST, LAST)
    assert found[a.pk][dt.date(2026, 11, 5)] == "Polling station"
    assert dt.date(2026, 11, 5) not in found[b.pk]
    assert found[b.pk][dt.date(2026, 12, 25)] == "Bank holiday: Christmas Day"
    assert dt.date(2026, 12, 25) not in found[c.pk]  # opens on bank holidays
    assert set(found[c.pk]) == {dt.date(2026, 12, 1), dt.date(2026, 12, 2)}


def test_holidays_and_terms_shared_by_a_trust(sites):
    a, b, c = sites
    holidays = holiday_days_by_site(sites, FIRST, LAST)
    assert holidays[a.pk][dt.date(2026, 10, 27)] == "Half term"
    assert holidays[b.pk][dt.date(2026, 11, 3)] == "Extra week"
    assert dt.date(2026, 11, 3) not in holidays[a.pk]
    assert holidays[c.pk] == {}
    terms = terms_by_site(sites, FIRST, LAST)
    assert [t.name for t in terms[a.pk]] == ["Autumn term"]
    assert [t.name for t in terms[b.pk]] == ["Autumn term"]
    assert [t.name for t in terms[c.pk]] == ["Michaelmas"]


def test_one_site_gets_the_same_answers(sites):
    for site in sites:
        assert (
            closed_days(site, FIRST, LAST)
            == (closed_days_by_site(sites, FIRST, LAST)[site.pk])
        )
        assert (
            holiday_days(site, FIRST, LAST)
            == (holiday_days_by_site(sites, FIRST, LAST)[site.pk])
        )
        assert (
            terms_between(site, FIRST, LAST)
            == (terms_by_site(sites, FIRST, LAST)[site.pk])
        )


def test_only_the_window_counts(sites):
    a = sites[0]
    first, last = dt.date(2026, 10, 28), dt.date(2026, 10, 29)
    assert holiday_days(a, first, last) == dict.fromkeys([first, last], "Half term")
    assert closed_days(a, first, last) == {}


def test_one_query_each_whatever_the_number_of_sites(sites, django_assert_num_queries):
    many = sites + [SiteFactory() for _ in range(6)]
    for function in (closed_days_by_site, holiday_days_by_site, terms_by_site):
        with django_assert_num_queries(1):
            found = function(many, FIRST, LAST)
        assert set(found) == {s.pk for s in many}
