from django.urls import path

from activities import api, api_family, api_registers

app_name = "activities-api"
urlpatterns = [
    path("activities/", api.ActivityListCreateApi.as_view(), name="list"),
    path(
        "activities/<int:activity_id>/", api.ActivityDetailApi.as_view(), name="detail"
    ),
    path(
        "activities/<int:activity_id>/cancel/",
        api.ActivityCancelApi.as_view(),
        name="cancel",
    ),
    path(
        "activities/<int:activity_id>/signups/",
        api.ActivitySignupsApi.as_view(),
        name="activity-signups",
    ),
    path("households/me/", api_family.HouseholdMineApi.as_view(), name="household"),
    path(
        "households/me/members/",
        api_family.HouseholdMemberCreateApi.as_view(),
        name="member-create",
    ),
    path(
        "households/me/export/",
        api_family.HouseholdExportApi.as_view(),
        name="household-export",
    ),
    path("signups/", api_family.SignUpListCreateApi.as_view(), name="signups"),
    path(
        "signups/<int:signup_id>/",
        api_family.SignUpDetailApi.as_view(),
        name="signup-detail",
    ),
    path(
        "signups/<int:signup_id>/cancel/",
        api_family.SignUpCancelApi.as_view(),
        name="signup-cancel",
    ),
    path(
        "signups/<int:signup_id>/decline/",
        api_family.SignUpDeclineApi.as_view(),
        name="signup-decline",
    ),
    path(
        "signups/<int:signup_id>/dates/<int:session_id>/cancel/",
        api_family.SignUpDateCancelApi.as_view(),
        name="signup-date-cancel",
    ),
    path(
        "signups/<int:signup_id>/dates/<int:session_id>/restore/",
        api_family.SignUpDateRestoreApi.as_view(),
        name="signup-date-restore",
    ),
    path(
        "signups/<int:signup_id>/members/<int:member_id>/remove/",
        api_family.SignUpMemberRemoveApi.as_view(),
        name="signup-member-remove",
    ),
    path(
        "households/me/collectors/",
        api_family.CollectorListCreateApi.as_view(),
        name="collectors",
    ),
    path(
        "households/me/collectors/<int:collector_id>/",
        api_family.CollectorDetailApi.as_view(),
        name="collector-detail",
    ),
    path("referrals/", api_family.ReferralListCreateApi.as_view(), name="referrals"),
    path(
        "sessions/<int:session_id>/register/",
        api_registers.RegisterApi.as_view(),
        name="register",
    ),
    path(
        "sessions/<int:session_id>/register/<int:member_id>/",
        api_registers.AttendanceMarkApi.as_view(),
        name="register-mark",
    ),
    path(
        "sessions/<int:session_id>/register/walk-ins/",
        api_registers.WalkInCreateApi.as_view(),
        name="register-walk-ins",
    ),
    path(
        "sessions/<int:session_id>/register/walk-in-count/",
        api_registers.WalkInCountApi.as_view(),
        name="register-walk-in-count",
    ),
]
