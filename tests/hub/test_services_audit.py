"""Every hub service checks the actor's permission itself and writes exactly
one audit entry in its transaction; a refused or failed action writes none."""

import datetime as dt

import pytest

from hub import services
from hub.errors import DomainError, PermissionDenied
from hub.models import AuditEntry, Closure, StaffRole
from tests.factories import ClosureFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2031, 5, 6)


def _calls(site, room):
    """(name, perm-holding actor fixture, call, expected action)."""
    closure = ClosureFactory(site=site, starts_on=DAY, ends_on=DAY)
    term = TermFactory(
        site=site, starts_on=dt.date(2040, 1, 5), ends_on=dt.date(2040, 3, 1)
    )
    return {
        "site_update": (
            "manager",
            lambda a: services.site_update(actor=a, site=site, area="Headingley"),
            "site.changed",
        ),
        "opening_hours_set": (
            "manager",
            lambda a: services.opening_hours_set(
                actor=a, site=site, hours={0: (dt.time(9), dt.time(12))}
            ),
            "site.opening_hours_set",
        ),
        "room_create": (
            "manager",
            lambda a: services.room_create(
                actor=a, site=site, name="Studio", slug="studio", capacity=8
            ),
            "room.created",
        ),
        "room_update": (
            "manager",
            lambda a: services.room_update(actor=a, room=room, capacity=50),
            "room.changed",
        ),
        "term_create": (
            "manager",
            lambda a: services.term_create(
                actor=a, site=site, name="Summer", starts_on=DAY, ends_on=DAY
            ),
            "term.created",
        ),
        "holiday_create": (
            "manager",
            lambda a: services.holiday_create(
                actor=a, site=site, name="Half term", starts_on=DAY, ends_on=DAY
            ),
            "holiday.created",
        ),
        "closure_create": (
            "manager",
            lambda a: services.closure_create(
                actor=a, site=site, reason="Works", starts_on=DAY, ends_on=DAY
            ),
            "closure.created",
        ),
        "closure_delete": (
            "manager",
            lambda a: services.closure_delete(actor=a, closure=closure),
            "closure.deleted",
        ),
        "term_delete": (
            "manager",
            lambda a: services.term_delete(actor=a, term=term),
            "term.deleted",
        ),
        "site_create": (
            "admin_user",
            lambda a: services.site_create(
                actor=a, name="Oak", slug="oak", address="1 Oak Rd", postcode="LS6 2AB"
            ),
            "site.created",
        ),
        "staff_role_assign": (
            "admin_user",
            lambda a: services.staff_role_assign(
                actor=a, site=site, user=UserFactory(), role="site_staff"
            ),
            "staff_role.given",
        ),
        "staff_role_remove": (
            "admin_user",
            lambda a: services.staff_role_remove(
                actor=a, staff_role=StaffRole.objects.filter(site=site).first()
            ),
            "staff_role.removed",
        ),
    }


NAMES = [
    "site_update",
    "opening_hours_set",
    "room_create",
    "room_update",
    "term_create",
    "holiday_create",
    "closure_create",
    "closure_delete",
    "term_delete",
    "site_create",
    "staff_role_assign",
    "staff_role_remove",
]


@pytest.mark.parametrize("name", NAMES)
def test_each_service_writes_one_entry_by_its_actor(request, site, room, manager, name):
    holder, call, action = _calls(site, room)[name]
    actor = request.getfixturevalue(holder)
    call(actor)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.site_id) == (action, actor, site.pk) or (
        name == "site_create" and (entry.action, entry.actor) == (action, actor)
    )


@pytest.mark.parametrize("name", NAMES)
def test_someone_without_the_right_is_refused_and_nothing_is_recorded(
    site, room, manager, other_manager, name
):
    _, call, _ = _calls(site, room)[name]
    with pytest.raises(PermissionDenied):
        call(other_manager)
    assert not AuditEntry.objects.exists()


def test_a_failed_change_records_nothing(site, manager):
    with pytest.raises(DomainError):
        services.closure_create(
            actor=manager,
            site=site,
            reason="Works",
            starts_on=DAY,
            ends_on=DAY - dt.timedelta(days=1),
        )
    assert not AuditEntry.objects.exists()
    assert not Closure.objects.exists()


def test_a_change_records_before_and_after(site, room, manager):
    services.room_update(actor=manager, room=room, capacity=50)
    assert AuditEntry.objects.get().changes == {"capacity": [80, 50]}
