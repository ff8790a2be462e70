"""Listens to other apps' signals (see bookings/signals.py for the contract)."""

from activities.services import sessions_cancel_for_slots


def on_slots_cancelled(sender, *, slot_ids, reason, **kwargs) -> None:
    """Cancel the sessions in those slots and tell the families. Idempotent:
    a session already cancelled is skipped, so nobody is emailed twice."""
    sessions_cancel_for_slots(slot_ids=list(slot_ids), reason=reason)
