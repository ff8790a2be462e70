"""Show times in the partnership's local zone by default.

Storage is UTC. Pages about one school convert with that site's own zone
(`timezone.override(site.zoneinfo)`); everything else (dashboards, partner
history, audit trails) uses DISPLAY_TIME_ZONE rather than showing UTC.
"""

import zoneinfo

from django.conf import settings
from django.utils import timezone


class DisplayTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.zone = zoneinfo.ZoneInfo(settings.DISPLAY_TIME_ZONE)

    def __call__(self, request):
        timezone.activate(self.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
