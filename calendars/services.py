"""Feed tokens: issue, rotate, revoke (each audited in its own transaction)."""

from django.db import transaction
from django.utils import timezone

from calendars import tokens
from calendars.feeds import TARGETS
from calendars.models import FeedToken
from hub.audit import audit_record
from hub.errors import DomainError, NotFound
from hub.rules import require_perm


def _check(actor, kind: str, target) -> None:
    if kind not in TARGETS:
        raise DomainError(
            "Choose a room, site, caretaker, partner or family calendar.", field="kind"
        )
    if target is None:
        raise NotFound("No such calendar. Check the id.")
    require_perm(actor, TARGETS[kind][1], target)


def _new_secret(token: FeedToken) -> None:
    token.nonce = tokens.new_nonce()
    token.token_hash = tokens.token_hash(tokens.token_for(token.nonce))
    token.revoked_at = None


@transaction.atomic
def feed_token_issue(*, actor, kind: str, target) -> FeedToken:
    """The actor's link to this feed: the existing one, or a new one (also if
    the old one was revoked). One per person per feed, also when two requests
    ask at once (get_or_create re-reads the row the other one made)."""
    _check(actor, kind, target)
    fresh = FeedToken(user=actor, kind=kind, target_id=target.pk)
    _new_secret(fresh)
    token, created = FeedToken.objects.get_or_create(
        user=actor,
        kind=kind,
        target_id=target.pk,
        defaults={"nonce": fresh.nonce, "token_hash": fresh.token_hash},
    )
    if not created:
        token = FeedToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            return token
        _new_secret(token)
        token.save(update_fields=["nonce", "token_hash", "revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="feed_token.issued",
        obj=token,
        changes={"feed": [None, str(token)]},
    )
    return token


@transaction.atomic
def feed_token_rotate(*, actor, token: FeedToken) -> FeedToken:
    """A new secret link; the old one is a 404 from now on."""
    if token.user_id != getattr(actor, "pk", None):
        raise NotFound("No such calendar link. Check the id.")
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    was_revoked = token.revoked_at is not None
    _new_secret(token)
    token.save(update_fields=["nonce", "token_hash", "revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="feed_token.rotated",
        obj=token,
        reason="It had been turned off." if was_revoked else "",
    )
    return token


@transaction.atomic
def feed_token_revoke(*, actor, token: FeedToken) -> FeedToken:
    """Turn the link off (a 404) until it is rotated or issued again."""
    if token.user_id != getattr(actor, "pk", None):
        raise NotFound("No such calendar link. Check the id.")
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="feed_token.revoked", obj=token)
    return token


def feed_tokens_ensure(*, actor) -> None:
    """Issue the links that belong on the person's start page (their family,
    partners and sites) that they do not have yet. A link they turned off stays
    off."""
    from calendars.selectors import feed_targets_offered

    have = set(FeedToken.objects.filter(user=actor).values_list("kind", "target_id"))
    for kind, target in feed_targets_offered(actor):
        if (kind, target.pk) not in have:
            feed_token_issue(actor=actor, kind=kind, target=target)
