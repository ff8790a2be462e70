"""{% load audit_tags %}: audit entries in plain English on history tables."""

from django import template

from hub.audit import action_label

register = template.Library()


@register.filter
def audit_action(entry) -> str:
    """ "booking.approved_except" -> "Booking approved except some dates"."""
    return action_label(entry.action)
