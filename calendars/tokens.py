"""Feed tokens: 256 bits from an HMAC of the row's nonce under the SECRET_KEY.

Only the nonce and the token's SHA-256 are stored, so the link can be shown
again (recomputed) but a copy of the database alone opens no feed. Changing
the SECRET_KEY therefore changes every link: people subscribe again
(docs/calendars.md)."""

import base64
import hashlib
import secrets

from django.utils.crypto import salted_hmac

SALT = "calendars.feed-token"


def new_nonce() -> str:
    return secrets.token_hex(32)


def token_for(nonce: str) -> str:
    digest = salted_hmac(SALT, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
