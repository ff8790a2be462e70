from django.urls import path

from partners import views, views_apply

app_name = "partners"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("apply/", views_apply.partner_apply, name="apply"),
    path("mine/", views.mine, name="mine"),
    path(
        "mine/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("review/", views.review, name="review"),
    path("documents/<int:document_id>/", views.document, name="document"),
    path(
        "documents/<int:document_id>/verify/",
        views.document_verify,
        name="document-verify",
    ),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/decide/", views.decide, name="decide"),
]
