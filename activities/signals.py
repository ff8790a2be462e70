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
