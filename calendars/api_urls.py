from django.urls import path

from calendars import api

app_name = "calendars-api"
urlpatterns = [
    path("calendar-feeds/", api.FeedListApi.as_view(), name="feeds"),
    path(
        "calendar-feeds/<int:feed_id>/rotate/",
        api.FeedRotateApi.as_view(),
        name="feed-rotate",
    ),
    path(
        "calendar-feeds/<int:feed_id>/revoke/",
        api.FeedRevokeApi.as_view(),
        name="feed-revoke",
    ),
    path(
        "sites/<int:site_id>/calendar-import/preview/",
        api.ImportPreviewApi.as_view(),
        name="import-preview",
    ),
    path(
        "sites/<int:site_id>/calendar-import/confirm/",
        api.ImportConfirmApi.as_view(),
        name="import-confirm",
    ),
]
