from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from hub.api_errors import api_not_found

api_v1 = [
    path("", include("hub.api_urls")),
    path("", include("partners.api_urls")),
    path("", include("bookings.api_urls")),
    path("", include("activities.api_urls")),
    path("", include("payments.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("calendars.api_urls")),
]

urlpatterns = [
    path("", include("hub.urls_pages")),
    path("", include("portal.urls")),
    path("accounts/", include("portal.urls_accounts")),
    path("partners/", include("partners.urls")),
    path("bookings/", include("bookings.urls")),
    path("activities/", include("activities.urls")),
    path("payments/", include("payments.urls")),
    path("reports/", include("reports.urls")),
    path("calendars/", include("calendars.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    # Unknown API address: the JSON 404 body, for every method (CSRF-exempt:
    # it changes nothing, and a POST must get this 404, not the CSRF page).
    re_path(r"^api/[\s\S]*/$", csrf_exempt(api_not_found)),  # ids with line breaks too
    path("admin/", admin.site.urls),
]
handler500 = "hub.api_errors.server_error"  # the JSON body under /api/
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
