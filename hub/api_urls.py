from django.urls import path

from hub import api

urlpatterns = [
    path("sites/", api.SiteListApi.as_view(), name="site-list-api"),
    path("sites/<int:site_id>/", api.SiteDetailApi.as_view(), name="site-detail-api"),
    path(
        "sites/<int:site_id>/rooms/",
        api.SiteRoomCreateApi.as_view(),
        name="site-room-create-api",
    ),
    path("rooms/", api.RoomListApi.as_view(), name="room-list-api"),
    path("rooms/<int:room_id>/", api.RoomDetailApi.as_view(), name="room-detail-api"),
]
