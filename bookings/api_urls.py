from django.urls import path

from bookings.api import actions, availability, bookings, finder

app_name = "bookings-api"
urlpatterns = [
    path("bookings/", bookings.BookingListCreateApi.as_view(), name="list"),
    path(
        "bookings/<int:booking_id>/", bookings.BookingDetailApi.as_view(), name="detail"
    ),
    path(
        "bookings/<int:booking_id>/approve/",
        actions.BookingApproveApi.as_view(),
        name="approve",
    ),
    path(
        "bookings/<int:booking_id>/decline/",
        actions.BookingDeclineApi.as_view(),
        name="decline",
    ),
    path(
        "bookings/<int:booking_id>/cancel/",
        actions.BookingCancelApi.as_view(),
        name="cancel",
    ),
    path(
        "bookings/<int:booking_id>/move/",
        actions.BookingOccurrenceMoveApi.as_view(),
        name="move",
    ),
    path("rooms/search/", finder.RoomSearchApi.as_view(), name="room-search"),
    path(
        "rooms/<int:room_id>/availability/",
        availability.RoomAvailabilityApi.as_view(),
        name="room-availability",
    ),
    path(
        "sites/<int:site_id>/availability/",
        availability.SiteAvailabilityApi.as_view(),
        name="site-availability",
    ),
]
