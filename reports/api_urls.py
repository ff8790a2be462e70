from django.urls import path

from reports import api

app_name = "reports-api"
urlpatterns = [
    path("reports/", api.ReportScopeListApi.as_view(), name="scope-list"),
    path("reports/<str:scope>/impact/", api.ImpactReportApi.as_view(), name="impact"),
    path(
        "reports/<str:scope>/termly-return/",
        api.TermlyReturnApi.as_view(),
        name="termly",
    ),
]
