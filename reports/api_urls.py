from django.urls import path

from reports import api

app_name = "reports-api"
urlpatterns = [
    path("reports/", api.ReportScopeListApi.as_view(), name="scope-list"),
    path("reports/<str:scope>/impact/", api.ImpactReportApi.as_view(), name="impact"),
    path(
        "reports/exports/<int:export_id>/",
        api.ReportExportApi.as_view(),
        name="export",
    ),
    path(
        "reports/exports/<int:export_id>/file/",
        api.ReportExportFileApi.as_view(),
        name="export-file",
    ),
    path(
        "reports/<str:scope>/exports/",
        api.ReportExportStartApi.as_view(),
        name="export-start",
    ),
    path(
        "reports/<str:scope>/termly-return/",
        api.TermlyReturnApi.as_view(),
        name="termly",
    ),
]
