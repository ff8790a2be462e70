"""Errors of the payments app (all in the hub.errors family)."""

from hub.errors import DomainError


class GatewayError(DomainError):
    """Stripe could not do it (unreachable, card declined...). The message is
    plain English for the person paying; the API answers 502 for an outage and
    400 for a refusal (a declined card)."""

    status_code = 502
    code = "payment_gateway_error"


class CardDeclined(GatewayError):
    status_code = 400
    code = "card_declined"


class BadWebhook(DomainError):
    """A webhook whose signature, timestamp or body is not acceptable."""

    code = "bad_webhook"
