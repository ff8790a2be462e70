from django.urls import path

from partners import api

urlpatterns = [
    path("partners/", api.PartnerListApi.as_view(), name="partner-list-api"),
    path(
        "partners/<int:partner_id>/",
        api.PartnerDetailApi.as_view(),
        name="partner-detail-api",
    ),
    path(
        "partners/<int:partner_id>/approve/",
        api.PartnerApproveApi.as_view(),
        name="partner-approve-api",
    ),
    path(
        "partners/<int:partner_id>/suspend/",
        api.PartnerSuspendApi.as_view(),
        name="partner-suspend-api",
    ),
    path(
        "partners/<int:partner_id>/reinstate/",
        api.PartnerReinstateApi.as_view(),
        name="partner-reinstate-api",
    ),
]
