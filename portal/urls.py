"""Pages that combine the domain apps."""

from django.urls import path

from portal import dashboard, info, start

app_name = "portal"
urlpatterns = [
    path("start/", start.start, name="start"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("privacy/", info.privacy, name="privacy"),
    path("accessibility/", info.accessibility, name="accessibility"),
    path("contact/", info.contact, name="contact"),
    path("cookies/", info.cookies, name="cookies"),
]
