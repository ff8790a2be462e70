from django.urls import path

from hub import views, views_security

app_name = "hub"
urlpatterns = [
    path("", views.home, name="home"),
    path(".well-known/security.txt", views_security.security_txt, name="security-txt"),
    path("security/", views_security.security_policy, name="security-policy"),
    path("sites/", views.site_list, name="site-list"),
    path("sites/new/", views.site_create, name="site-create"),
    path("sites/<slug:slug>/", views.site_detail, name="site-detail"),
    path("sites/<slug:slug>/manage/", views.site_manage, name="site-manage"),
    path("sites/<slug:slug>/manage/details/", views.site_edit, name="site-edit"),
    path("sites/<slug:slug>/manage/hours/", views.site_hours, name="site-hours"),
    path("sites/<slug:slug>/manage/rooms/new/", views.room_add, name="room-add"),
    path("sites/<slug:slug>/manage/dates/", views.site_dates, name="site-dates"),
    path(
        "sites/<slug:slug>/manage/dates/<str:kind>/",
        views.site_dates,
        name="site-date-add",
    ),
    path(
        "sites/<slug:slug>/manage/dates/<str:kind>/<int:pk>/delete/",
        views.site_date_delete,
        name="site-date-delete",
    ),
    path("sites/<slug:slug>/roles/", views.site_roles, name="site-roles"),
    path(
        "sites/<slug:slug>/roles/<int:pk>/remove/",
        views.site_role_remove,
        name="site-role-remove",
    ),
    path(
        "sites/<slug:slug>/rooms/<slug:room_slug>/",
        views.room_detail,
        name="room-detail",
    ),
    path(
        "sites/<slug:slug>/rooms/<slug:room_slug>/edit/",
        views.room_edit,
        name="room-edit",
    ),
]
