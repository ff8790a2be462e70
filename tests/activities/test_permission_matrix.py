"""The list selectors agree with the rules (issue 7, point 4): for every role
and every object type, `*_list_visible(actor=user)` returns exactly the
objects for which `user.has_perm("<view perm>", obj)` is True."""

import pytest
from django.contrib.auth.models import AnonymousUser

from activities import selectors
from activities.models import Activity, Household, Referral, Session, SignUp
from activities.services import referral_create, signup_cancel
from hub.errors import NotFound
from hub.models import StaffRole
from tests.activities.factories import approved_booking, family, make_activity, sign_up
from tests.factories import RoomFactory, StaffRoleFactory, UserFactory

ROLES = [
    "anonymous",
    "family",
    "other family",
    "partner staff",
    "other partner",
    "business manager",
    "site staff",
    "link worker",
    "admin",
]
TYPES = {
    "activity": (Activity, "activities.view_activity", "activity_list_visible"),
    "session": (Session, "activities.view_session", "session_list_visible"),
    "household": (Household, "activities.view_household", "household_list_visible"),
    "sign-up": (SignUp, "activities.view_signup", "signup_list_visible"),
    "referral": (Referral, "activities.view_referral", "referral_list_visible"),
}


@pytest.fixture
def world(
    site,
    manager,
    link_worker,
    partner,
    partner_user,
    other_partner,
    other_partner_user,
    admin_user,
):
    """Published, draft and cancelled activities of two partners (each in its
    own room: slots may not overlap); families signed up (one cancelled),
    referred, and one that did nothing."""
    ours = make_activity(
        booking=approved_booking(room=RoomFactory(site=site), partner=partner)
    )
    make_activity(
        booking=approved_booking(room=RoomFactory(site=site), partner=partner),
        status=Activity.Status.DRAFT,
        title="Our draft",
    )
    theirs = make_activity(
        booking=approved_booking(room=RoomFactory(site=site), partner=other_partner),
        title="Theirs",
    )
    make_activity(
        booking=approved_booking(room=RoomFactory(site=site), partner=other_partner),
        status=Activity.Status.CANCELLED,
        title="Their cancelled",
    )
    make_activity(
        booking=approved_booking(room=RoomFactory(site=site), partner=other_partner),
        status=Activity.Status.DRAFT,
        title="Their draft",
    )
    a, a_members = family(children=1)
    b, b_members = family(children=1)
    c, c_members = family(children=1)
    family(children=0)  # does nothing: seen by its own family only
    sign_up(ours, a, a_members)
    sign_up(theirs, b, b_members)
    signup_cancel(signup=sign_up(ours, c, c_members).signup, cancelled_by=c.user)
    for referred in (b, c):
        referral_create(
            referred_by=link_worker,
            household_reference=referred.reference,
            activity=ours,
        )
    site_staff = StaffRoleFactory(site=site, role=StaffRole.Role.SITE_STAFF).user
    return {
        "anonymous": AnonymousUser(),
        "family": a.user,
        "other family": b.user,
        "partner staff": partner_user,
        "other partner": other_partner_user,
        "business manager": manager,
        "site staff": site_staff,
        "link worker": link_worker,
        "admin": admin_user,
    }


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("role", ROLES)
def test_list_selectors_return_exactly_what_has_perm_allows(world, role, kind):
    model, perm, selector = TYPES[kind]
    # A fresh user object per check: role look-ups are cached on it.
    user = world[role]
    if user.is_authenticated:
        user = type(user).objects.get(pk=user.pk)
    listed = set(getattr(selectors, selector)(actor=user).values_list("pk", flat=True))
    allowed = {obj.pk for obj in model.objects.all() if user.has_perm(perm, obj)}
    assert listed == allowed


@pytest.mark.parametrize("role", ROLES)
def test_the_sign_up_read_finds_exactly_the_activities_the_role_may_see(world, role):
    """selectors.activity_for_signup states the visibility rule in Python (a
    published activity asks nothing about the caller's partners): it must
    find exactly what activity_get finds and has_perm allows."""
    user = world[role]
    if user.is_authenticated:
        user = type(user).objects.get(pk=user.pk)
    allowed = {
        a.pk
        for a in Activity.objects.all()
        if user.has_perm("activities.view_activity", a)
    }
    for read in (selectors.activity_for_signup, selectors.activity_get):
        found = {a.pk for a in Activity.objects.all() if _finds(read, a, user)}
        assert found == allowed, read.__name__


def _finds(read, activity, user) -> bool:
    try:
        read(activity_id=activity.pk, user=user)
    except NotFound:
        return False
    return True


def test_the_world_tells_roles_apart(world):
    """Guard against a vacuous matrix: roles see different things."""
    seen = {
        role: frozenset(
            (kind, pk)
            for kind, (_, _, selector) in TYPES.items()
            for pk in getattr(selectors, selector)(actor=world[role]).values_list(
                "pk", flat=True
            )
        )
        for role in ROLES
    }
    groups = {}
    for role, things in seen.items():
        groups.setdefault(things, []).append(role)
    assert sorted(groups.values()) == [
        ["admin"],
        ["anonymous", "business manager", "site staff"],
        ["family"],
        ["link worker"],
        ["other family"],
        ["other partner"],
        ["partner staff"],
    ]
    assert seen["admin"] > seen["partner staff"] > seen["anonymous"]
    assert not any(k == "household" for k, _ in seen["business manager"])


def test_an_unknown_user_sees_only_public_activities(db):
    user = UserFactory()
    make_activity(status=Activity.Status.DRAFT)
    published = make_activity()
    assert list(selectors.activity_list_visible(actor=user)) == [published]
    assert not selectors.household_list_visible(actor=user).exists()
