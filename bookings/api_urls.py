from django.urls import path

from bookings import api

app_name = "bookings-api"
urlpatterns = [
    path("bookings/", api.BookingListCreateApi.as_view(), name="list"),
    path("bookings/<int:booking_id>/", api.BookingDetailApi.as_view(), name="detail"),
    path(
        "bookings/<int:booking_id>/approve/",
        api.BookingApproveApi.as_view(),
        name="approve",
    ),
    path(
        "bookings/<int:booking_id>/decline/",
        api.BookingDeclineApi.as_view(),
        name="decline",
    ),
    path(
        "bookings/<int:booking_id>/cancel/",
        api.BookingCancelApi.as_view(),
        name="cancel",
    ),
    path(
        "bookings/<int:booking_id>/move/",
        api.BookingOccurrenceMoveApi.as_view(),
        name="move",
    ),
    path(
        "rooms/<int:room_id>/availability/",
        api.RoomAvailabilityApi.as_view(),
        name="room-availability",
    ),
    path(
        "sites/<int:site_id>/availability/",
        api.SiteAvailabilityApi.as_view(),
        name="site-availability",
    ),
]
