from django.urls import path, re_path

from reports import views

app_name = "reports"
SCOPE = r"(?P<scope_key>[a-z]+(?:-[0-9]+)?)"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("files/<int:export_id>/", views.export_status, name="export"),
    path(
        "files/<int:export_id>/download",
        views.export_download,
        name="export-download",
    ),
    re_path(rf"^{SCOPE}/$", views.impact, name="impact"),
    re_path(
        rf"^{SCOPE}/impact\.(?P<fmt>csv|xlsx)$",
        views.impact_download,
        name="impact-download",
    ),
    re_path(rf"^{SCOPE}/termly-return/$", views.termly, name="termly"),
    re_path(
        rf"^{SCOPE}/termly-return\.(?P<fmt>csv|xlsx)$",
        views.termly_download,
        name="termly-download",
    ),
]
