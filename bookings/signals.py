"""Signals other apps may listen to. Sent after commit (transaction.on_commit)."""

from django.dispatch import Signal

slots_cancelled = Signal()
"""
Arguments: ``slot_ids`` (list[int]), ``reason`` (str).
Sent after one or more approved slots stop running (a booking or an occurrence
was cancelled, by the partner or the site), once the change is committed.
Activities listens to cancel the sessions in those slots and tell the families.
Receivers must be idempotent and must not change the slots.
"""
