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


class PermissionsPolicyMiddleware:
    """Switch off browser features no page uses, for this site and anything it
    embeds. Payment stays open to our own pages for Stripe (docs/security.md,
    "Headers")."""

    header = ", ".join(
        [
            "accelerometer=()",
            "autoplay=()",
            "camera=()",
            "display-capture=()",
            "geolocation=()",
            "gyroscope=()",
            "magnetometer=()",
            "microphone=()",
            "midi=()",
            "payment=(self)",
            "publickey-credentials-get=()",
            "screen-wake-lock=()",
            "usb=()",
            "xr-spatial-tracking=()",
        ]
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


class PrivateNoStoreMiddleware:
    """`Cache-Control: no-store, private` on everything that may carry personal
    data, so no shared cache or browser history keeps a household's page or
    download. The rule (docs/security.md, "Headers"): every response to a
    signed-in user (session or API token), and every `/api/` response except
    a public endpoint (`ApiView.public`) answering an anonymous caller.
    Anonymous public pages keep their default caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._private(request):
            response["Cache-Control"] = "no-store, private"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "view_class", None)
        request.hub_public_view = bool(getattr(view_class, "public", False))

    @staticmethod
    def _private(request) -> bool:
        # DRF copies the user it authenticated (token or session) onto the
        # Django request, so API callers count as signed in too.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        if request.path_info.startswith("/api/"):
            return not getattr(request, "hub_public_view", False)
        return False
