"""How to report a vulnerability: /.well-known/security.txt (RFC 9116) for
tools and researchers, and the policy page it points to (/security/). The
contact comes from settings.SECURITY_CONTACT (docs/security.md)."""

import datetime as dt

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# RFC 9116 asks for an expiry under a year ahead; moving it forward every
# day keeps the file valid for as long as the contact setting is kept current.
EXPIRES_AFTER = dt.timedelta(days=180)


def security_contacts() -> list[str]:
    """Each configured contact as a URI: an email address becomes mailto:."""
    return [
        contact if ":" in contact else f"mailto:{contact}"
        for contact in settings.SECURITY_CONTACT
    ]


@require_safe
@cache_control(public=True, max_age=86400)
def security_txt(request):
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    expires = (today + EXPIRES_AFTER).astimezone(dt.UTC)
    lines = [f"Contact: {contact}" for contact in security_contacts()]
    lines += [
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Policy: {request.build_absolute_uri(reverse('hub:security-policy'))}",
        f"Canonical: {request.build_absolute_uri(request.path)}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


@require_safe
def security_policy(request):
    contacts = [
        {"uri": uri, "text": uri.removeprefix("mailto:")} for uri in security_contacts()
    ]
    return render(request, "hub/security_policy.html", {"contacts": contacts})
