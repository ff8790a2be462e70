"""Authorised collectors: the adults a family allows to collect its children
(issue 9). The family adds, changes and removes them on its household pages
and in the API; the register shows them to the people running a session the
children come to (activities.register_selectors, need-to-know).

Changes are recorded against the household, like members' ("collector #3
name": [old, new]), so a removed collector's entry survives and the family's
page shows one history. Erasing the household deletes its collectors
(activities.services.households).
"""

from django.db import transaction

from activities.errors import DomainError, NotFound
from activities.models import AuthorisedCollector, Household
from hub.audit import audit_record, diff, snapshot
from hub.rules import require_perm

# What a family may set; the form and the API serializer derive theirs from it.
COLLECTOR_FIELDS = ("name", "relationship", "phone", "password", "notes")
# Needed to be any use at the door: who they are to the child and a number.
REQUIRED = {
    "name": "Enter the name of the person who may collect your children.",
    "relationship": "Enter who they are to your children, for example aunt or "
    "neighbour.",
    "phone": "Enter a phone number for them, so the organiser can check.",
}
MAX_COLLECTORS = 20
OWN_ONLY = "You can only change your own household."


def _pick(fields: dict) -> dict:
    unknown = set(fields) - set(COLLECTOR_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise DomainError(f"{name} cannot be set here.", field=name)
    return fields


LABELS = {
    "name": "Name",
    "relationship": "Relationship",
    "phone": "Phone number",
    "password": "Password",
    "notes": "Notes",
}


def _clean(collector: AuthorisedCollector) -> None:
    for name in COLLECTOR_FIELDS:
        setattr(collector, name, (getattr(collector, name) or "").strip())
    for name, message in REQUIRED.items():
        if not getattr(collector, name):
            raise DomainError(message, field=name)
    for name in COLLECTOR_FIELDS:
        limit = AuthorisedCollector._meta.get_field(name).max_length
        if len(getattr(collector, name)) > limit:
            raise DomainError(
                f"{LABELS[name]} must be {limit} characters or fewer.", field=name
            )
    collector.full_clean(exclude=["household"])


def _hide(name: str, pair: list) -> list:
    """The family's page shows its history: a password is never written there."""
    if name != "password":
        return pair
    return [HIDDEN if value else value for value in pair]


HIDDEN = "(hidden)"


def _changes(collector: AuthorisedCollector, before: dict) -> dict:
    after = snapshot(collector, COLLECTOR_FIELDS)
    return {
        f"collector #{collector.pk} {name}": _hide(name, pair)
        for name, pair in diff(before, after).items()
        if pair != [None, ""]
    }


@transaction.atomic
def collector_add(*, household: Household, added_by, **fields) -> AuthorisedCollector:
    require_perm(added_by, "activities.change_household", household, message=OWN_ONLY)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.collectors.count() >= MAX_COLLECTORS:
        raise DomainError(
            f"A family can list at most {MAX_COLLECTORS} people who may collect. "
            "Remove someone first.",
            field="name",
        )
    collector = new_collector(household, fields)
    audit_record(
        actor=added_by,
        action="household.collector_added",
        obj=household,
        changes=_changes(collector, {}),
    )
    return collector


def new_collector(household: Household, fields: dict) -> AuthorisedCollector:
    """Checked and saved, not audited: the caller writes the household's entry
    (collector_add, or household_create with the family's first details)."""
    collector = AuthorisedCollector(household=household, **_pick(fields))
    _clean(collector)
    collector.save()
    return collector


def collector_changes(collector: AuthorisedCollector) -> dict:
    """A new collector's fields as the household's audit changes."""
    return _changes(collector, {})


@transaction.atomic
def collector_update(
    *, collector: AuthorisedCollector, updated_by, **fields
) -> AuthorisedCollector:
    require_perm(
        updated_by, "activities.change_household", collector.household, message=OWN_ONLY
    )
    before = snapshot(collector, COLLECTOR_FIELDS)
    for name, value in _pick(fields).items():
        setattr(collector, name, value)
    _clean(collector)
    collector.save()
    changes = _changes(collector, before)
    if changes:
        audit_record(
            actor=updated_by,
            action="household.collector_changed",
            obj=collector.household,
            changes=changes,
        )
    return collector


@transaction.atomic
def collector_remove(*, collector: AuthorisedCollector, removed_by) -> None:
    require_perm(
        removed_by, "activities.change_household", collector.household, message=OWN_ONLY
    )
    before = snapshot(collector, COLLECTOR_FIELDS)
    audit_record(
        actor=removed_by,
        action="household.collector_removed",
        obj=collector.household,
        changes={
            f"collector #{collector.pk} {k}": _hide(k, [v, None])
            for k, v in before.items()
        },
    )
    collector.delete()


def collector_get_own(*, collector_id: int, user) -> AuthorisedCollector:
    """One of the user's own household's collectors, else NotFound."""
    collector = (
        AuthorisedCollector.objects.select_related("household")
        .filter(pk=collector_id, household__user=user, household__erased_at=None)
        .first()
        if user.is_authenticated
        else None
    )
    if collector is None:
        raise NotFound(f"No collector has id {collector_id}. Check the id.")
    return collector
