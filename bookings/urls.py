from django.urls import path

from bookings import views, views_calendar, views_finder

app_name = "bookings"
urlpatterns = [
    path("", views.booking_mine, name="mine"),
    path("request/", views.booking_request_view, name="request"),
    path("find/", views_finder.room_finder, name="finder"),
    path("queue/", views.booking_queue, name="queue"),
    path("totals/", views.partner_totals, name="totals"),
    path("<int:booking_id>/", views.booking_detail, name="detail"),
    path("<int:booking_id>/calendar.ics", views.booking_ical_view, name="ical"),
    path("<int:booking_id>/cancel/", views.booking_cancel_view, name="cancel"),
    path(
        "<int:booking_id>/dates/<int:slot_id>/move/",
        views.booking_move_view,
        name="move",
    ),
    path("<int:booking_id>/approve/", views.booking_approve_view, name="approve"),
    path("<int:booking_id>/decline/", views.booking_decline_view, name="decline"),
    path("sites/", views.site_list, name="sites"),
    path("sites/<int:site_id>/week/", views.site_week, name="site-week"),
    path("sites/<int:site_id>/sheet/", views.caretaker_sheet, name="sheet"),
    path("sites/<int:site_id>/totals/", views.site_totals, name="site-totals"),
    path(
        "sites/<int:site_id>/calendar/",
        views_calendar.site_calendar_view,
        name="site-calendar",
    ),
]
