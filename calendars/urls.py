from django.urls import path

from calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.feed_list, name="feeds"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("signups/<int:signup_id>.ics", views.signup_calendar, name="signup-ics"),
    path("links/<int:token_id>/rotate/", views.feed_rotate, name="rotate"),
    path("links/<int:token_id>/revoke/", views.feed_revoke, name="revoke"),
    path("sites/<slug:slug>/import/", views.dates_import, name="dates-import"),
    path(
        "sites/<slug:slug>/import/confirm/",
        views.dates_import_confirm,
        name="dates-import-confirm",
    ),
]
