"""Receivers of lower apps' signals (nothing below payments imports it)."""

import logging

from payments.invoicing import slots_cancelled_apply

log = logging.getLogger(__name__)


def on_slots_cancelled(sender, *, slot_ids, reason, **kwargs) -> None:
    """Dates cancelled after approval: credit notes or late charges by the
    site's policy (bookings.signals.slots_cancelled; idempotent). The
    cancellation is already committed: a failure here is logged, not raised,
    so the partner's cancellation and the other receivers still go through;
    building the month's drafts again picks up what was missed on a draft."""
    try:
        slots_cancelled_apply(slot_ids=list(slot_ids), reason=reason or "Cancelled")
    except Exception:
        log.exception("Invoices not updated for cancelled slots %s", slot_ids)
