from django import template

from bookings.pricing import format_pence

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """Integer pence as £1,234.50."""
    return format_pence(pence)


@register.filter
def local(value, zone):
    """Wall-clock time in `zone` as a naive datetime, so the date/time filters
    show it as is (they would convert an aware value to the active zone).
    For pages that list several sites; single-site pages use {% timezone %}."""
    return value.astimezone(zone).replace(tzinfo=None) if value else value
