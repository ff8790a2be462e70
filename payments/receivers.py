"""Receivers of lower apps' signals (nothing below payments imports it)."""

from payments.invoicing import slots_cancelled_apply


def on_slots_cancelled(sender, *, slot_ids, reason, **kwargs) -> None:
    """Dates cancelled after approval: credit notes or late charges by the
    site's policy (bookings.signals.slots_cancelled; idempotent)."""
    slots_cancelled_apply(slot_ids=list(slot_ids), reason=reason or "Cancelled")
