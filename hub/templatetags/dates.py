from django import template

from hub.dates import in_words as _in_words

register = template.Library()


@register.filter
def in_words(value) -> str:
    """{{ day|in_words }}: "7 January 2025" (hub.dates)."""
    return _in_words(value)
