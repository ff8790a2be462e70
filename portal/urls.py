"""Pages that combine the domain apps."""

from django.urls import path

from portal import dashboard

app_name = "portal"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
