"""Who may subscribe to which feed (each feed kind x each role)."""

import pytest

from tests.activities.factories import family

PERMS = {
    "room": "calendars.subscribe_room",
    "site": "calendars.subscribe_site",
    "caretaker": "calendars.subscribe_caretaker",
    "partner": "calendars.subscribe_partner",
    "family": "calendars.subscribe_family",
    "import": "calendars.import_dates",
}


@pytest.fixture
def household(db):
    return family()[0]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("manager", {"room", "site", "caretaker", "import"}),
        ("caretaker", {"room", "site", "caretaker"}),
        ("link_worker", {"room", "site"}),
        ("partner_user", {"room", "partner"}),
        ("outsider", {"room"}),
        ("admin_user", set(PERMS)),  # superusers hold every permission
    ],
)
def test_each_role_may_subscribe_to_its_own_feeds(
    request, who, allowed, site, room, partner, household
):
    user = request.getfixturevalue(who)
    targets = {
        "room": room,
        "site": site,
        "caretaker": site,
        "partner": partner,
        "family": household,
        "import": site,
    }
    got = {k for k, perm in PERMS.items() if user.has_perm(perm, targets[k])}
    assert got == allowed


def test_a_family_may_subscribe_to_its_own_household_only(household, db):
    other = family()[0]
    assert household.user.has_perm("calendars.subscribe_family", household)
    assert not household.user.has_perm("calendars.subscribe_family", other)
