"""Subscription feed tokens and what each feed last said (for SEQUENCE).

A token is never stored: it is an HMAC of the row's random `nonce` under the
SECRET_KEY (calendars/tokens.py), so the link can be shown again on the
person's start page, while a copy of the database alone opens no feed. The
feed address is looked up by `token_hash` (SHA-256 of the token).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hub.models import TimeStampedModel


class FeedToken(TimeStampedModel):
    """One person's secret link to one feed. Rotating gives a new nonce (the old
    link stops at once); revoking sets `revoked_at` (the link is a 404)."""

    class Kind(models.TextChoices):
        ROOM = "room", "Room (busy times)"
        SITE = "site", "School lettings"
        CARETAKER = "caretaker", "Caretaker (with set-up and clear-down)"
        PARTNER = "partner", "Partner bookings and sessions"
        FAMILY = "family", "Family sessions"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    # The room, site, partner or household the feed is about (by kind).
    target_id = models.PositiveBigIntegerField()
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "target_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "target_id"],
                name="feedtoken_one_per_person_per_feed",
                violation_error_message="You already have a link to this "
                "calendar. Rotate it to get a new one.",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["room", "site", "caretaker", "partner", "family"]
                ),
                name="feedtoken_kind_valid",
                violation_error_message="Choose a room, school, caretaker, partner "
                "or family calendar.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.target_id} for {self.user}"


class FeedState(models.Model):
    """What one feed (kind + target) last served, per event UID: a short
    fingerprint of its content, its SEQUENCE and when it last changed. A
    changed fingerprint raises the SEQUENCE, so a moved or cancelled date
    replaces the old one in every calendar. One row per feed, read and written
    in one query each, whatever the number of events."""

    feed_key = models.CharField(max_length=40, unique=True)
    # {uid: [fingerprint, sequence, changed (epoch seconds)]}
    events = models.JSONField(default=dict)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.feed_key} ({len(self.events)} events)"
