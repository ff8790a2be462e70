"""The one audit log: every state change records who, what, when and why.

Services call `audit_record` inside their own transaction, once per object they
change (a bulk change records one entry per object, never a bare `.update()`).
Pages show an object's history with `audit_history_for`; the Django admin lists
every entry. Personal data is removed from entries by `audit_erase`, which keeps
the fact that something happened.

We keep our own small model rather than django-simple-history or
django-auditlog: those record row snapshots from `save()` signals, so they miss
the action's name and the reason, cannot see bulk changes, and would log twice
what a service already knows. See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from enum import Enum

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from hub.models import AuditEntry

ERASED = "[erased]"

# Actions whose plain reading needs more than "entity action" (see action_label).
ACTION_LABELS = {
    "attendance.marked": "Register marked",
    "attendance.walk_in_added": "Walk-in added to the register",
    "attendance.walk_ins_counted": "People not registered counted",
    "household.no_show_emailed": "Missed-sessions email sent",
    "household.created_on_behalf": "Household created by a link worker",
    "household.claim_invited": "Family invited to claim the household",
    "household.claimed": "Household claimed by the family",
    "booking.approved_except": "Booking approved except some dates",
    "booking.cancelled_from": "Booking cancelled from a date on",
    "household.eligibility_granted": "Eligibility for free places confirmed",
    "household.eligibility_revoked": "Eligibility for free places withdrawn",
    "referral.note_erased": "Referral note erased",
    "site.opening_hours_set": "Opening hours changed",
    "staff_role.given": "Staff role given",
    "signup.promoted": "Sign-up moved off the waiting list",
    "signup.created": "Sign-up made",
    "signup.cancelled": "Sign-up cancelled",
    "signup.member_removed": "One person's place cancelled",
    "signup.date_cancelled": "Not coming on one date",
    "signup.date_restored": "Coming on that date after all",
    "household.collector_added": "Someone who may collect added",
    "household.collector_changed": "Someone who may collect changed",
    "household.collector_removed": "Someone who may collect removed",
    "signup.hold_expired": "Held place released: not paid in time",
    "signup.paid": "Place paid for and confirmed",
    "payment.card_started": "Card payment started",
    "payment.recorded": "Payment recorded",
    "refund.requested": "Refund asked of the card company",
    "refund.recorded": "Refund recorded",
    "refund.sent": "Refund answered by the card company",
    "feed_token.issued": "Calendar link made",
    "feed_token.rotated": "Calendar link replaced (the old one stopped working)",
    "feed_token.revoked": "Calendar link turned off",
    "site.dates_imported": "Term dates imported from a file",
    "term.imported": "Term imported from a file",
    "term.import_changed": "Term changed by an imported file",
    "holiday.imported": "Holiday imported from a file",
    "holiday.import_changed": "Holiday changed by an imported file",
    "closure.imported": "Closure imported from a file",
    "closure.import_changed": "Closure changed by an imported file",
}


def action_label(action: str) -> str:
    """A person's reading of an action code: "room.created" -> "Room created"."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    words = action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The current values of `fields` on `obj`, JSON-ready (for before/after)."""
    return {name: _plain(getattr(obj, _attname(obj, name))) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """{"field": [old, new]} for the fields whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    reason: str = "",
    changes: dict | None = None,
    site_id: int | None = None,
) -> AuditEntry:
    """Record that `actor` (a user, or None for the system) did `action`
    (``"<entity>.<past tense>"``, e.g. ``"booking.approved"``) to `obj`.

    Must run inside the transaction that makes the change, so the entry and the
    change are committed, or rolled back, together.
    """
    _require_transaction()
    entry = _entry(actor, action, obj, reason, changes, site_id)
    entry.save()
    return entry


def audit_record_many(
    *,
    actor,
    action: str,
    objs: Iterable[models.Model],
    reason: str = "",
    changes: dict | None = None,
) -> list[AuditEntry]:
    """One entry per object for a change applied to many (a cancelled series)."""
    _require_transaction()
    entries = [_entry(actor, action, obj, reason, changes) for obj in objs]
    return AuditEntry.objects.bulk_create(entries)


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must run inside transaction.atomic()")


def _entry(actor, action, obj, reason, changes, site_id=None) -> AuditEntry:
    """An unsaved entry; the system (no signed-in user) is recorded as no actor."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        reason=(reason or "")[:2000],
        changes=_plain(changes or {}),
        site_id=site_id if site_id is not None else _site_id(obj),
    )


def audit_history_for(obj: models.Model, *, limit: int = 100):
    """The newest `limit` entries about `obj`, for its page (one query)."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return AuditEntry.objects.filter(content_type=content_type, object_id=obj.pk)[
        :limit
    ]


def audit_erase(objs: Iterable[models.Model]) -> int:
    """Remove personal data from the entries about `objs` (a household, its
    members, their sign-ups): the description and the before/after values go,
    the action, actor and time stay. Returns how many entries were changed."""
    erased = 0
    by_type: dict[ContentType, list[int]] = {}
    for obj in objs:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        by_type.setdefault(ct, []).append(obj.pk)
    for ct, ids in by_type.items():
        entries = AuditEntry.objects.filter(content_type=ct, object_id__in=ids)
        for entry in entries:
            entry.object_repr = ERASED
            entry.changes = {name: [ERASED, ERASED] for name in entry.changes}
            entry.reason = ERASED if entry.reason else ""
            entry.save(update_fields=["object_repr", "changes", "reason"])
            erased += 1
    return erased


def _attname(obj: models.Model, name: str) -> str:
    """A foreign key is recorded by id (`room` -> `room_id`), not by str()."""
    try:
        field = obj._meta.get_field(name)
    except Exception:
        return name
    return field.attname if getattr(field, "many_to_one", False) else name


def _site_id(obj: models.Model) -> int | None:
    for path in ("site_id", "room.site_id", "booking.room.site_id"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if isinstance(value, int):
            return value
    return obj.pk if obj._meta.model_name == "site" else None


def _plain(value):
    """JSON-ready: dates and times as ISO 8601, money stays an int."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, models.Model):
        return value.pk
    return value
