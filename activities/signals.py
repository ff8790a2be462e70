"""Signals other apps may listen to (see bookings/signals.py for the style)."""

from django.dispatch import Signal

signup_ended = Signal()
"""
Arguments: ``signup`` (SignUp, its new status set: cancelled, declined or
expired), ``actor`` (the user who ended it, or None for the system),
``previous`` (the status it had), ``by_organiser`` (True when the activity
or the session was cancelled by its organiser or the school; absent
otherwise).
Sent INSIDE the transaction that ends the sign-up, with its unit locked, so a
receiver's writes (payments records the refund the policy allows) commit or
roll back with it, and carry their own audit records. Receivers must not call
outside services before commit (use transaction.on_commit) and must be
idempotent.
"""

signup_reduced = Signal()
"""
One person left a sign-up that goes on (signup_remove_member) and its amount
dropped. Arguments: ``signup`` (SignUp, with its new `amount_pence` and
`places`), ``actor`` (the user), ``member`` (the HouseholdMember who left),
``removed_pence`` (how much the amount dropped by, more than 0).
Sent INSIDE the transaction, with the unit locked, like signup_ended:
payments refunds what the activity's policy allows for that person's place
and cancels open card intents for the old amount. Receivers must be
idempotent and call outside services only after commit.
"""
