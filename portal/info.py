"""The pages every public service has: privacy notice, accessibility
statement, contact and cookies. Static text; who runs the service and how to
reach them come from settings (SERVICE_OPERATOR, SERVICE_CONTACT_EMAIL)."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

PAGES = {
    "privacy": "Privacy notice",
    "accessibility": "Accessibility statement",
    "contact": "Contact us",
    "cookies": "Cookies",
}


def _page(name: str):
    @require_safe
    def view(request):
        return render(
            request,
            f"portal/info/{name}.html",
            {
                "title": PAGES[name],
                "operator": settings.SERVICE_OPERATOR,
                "contact_email": settings.SERVICE_CONTACT_EMAIL,
                "card_payments": settings.USE_STRIPE,
            },
        )

    view.__name__ = f"{name}_page"
    return view


privacy = _page("privacy")
accessibility = _page("accessibility")
contact = _page("contact")
cookies = _page("cookies")
