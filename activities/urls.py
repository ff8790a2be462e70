"""Activity pages, mounted at /activities/."""

from django.urls import path

from activities.views import (
    collectors,
    family,
    linkworker,
    partner,
    public,
    registers,
)

app_name = "activities"
urlpatterns = [
    path("", public.activity_list, name="list"),
    path("<int:activity_id>/", public.activity_detail, name="detail"),
    path("<int:activity_id>/sign-up/", public.signup_create, name="signup"),
    path("household/", family.household_detail, name="household"),
    path("household/new/", family.household_create, name="household-create"),
    path("household/edit/", family.household_edit, name="household-edit"),
    path("household/members/new/", family.member_add, name="member-add"),
    path("household/members/<int:member_id>/", family.member_edit, name="member-edit"),
    path(
        "household/members/<int:member_id>/remove/",
        family.member_remove,
        name="member-remove",
    ),
    path("household/collectors/new/", collectors.collector_add, name="collector-add"),
    path(
        "household/collectors/<int:collector_id>/",
        collectors.collector_edit,
        name="collector-edit",
    ),
    path(
        "household/collectors/<int:collector_id>/remove/",
        collectors.collector_remove,
        name="collector-remove",
    ),
    path("household/data.json", family.household_export, name="household-export"),
    path("household/delete/", family.household_delete, name="household-delete"),
    path("sign-ups/<int:signup_id>/", family.signup_detail, name="signup-detail"),
    path(
        "sign-ups/<int:signup_id>/cancel/", family.signup_cancel, name="signup-cancel"
    ),
    path(
        "sign-ups/<int:signup_id>/dates/<int:session_id>/cancel/",
        family.signup_date_cancel,
        name="signup-date-cancel",
    ),
    path(
        "sign-ups/<int:signup_id>/dates/<int:session_id>/restore/",
        family.signup_date_restore,
        name="signup-date-restore",
    ),
    path(
        "sign-ups/<int:signup_id>/decline/",
        family.signup_decline,
        name="signup-decline",
    ),
    path("mine/", partner.activity_mine, name="mine"),
    path("new/<int:booking_id>/", partner.activity_create, name="create"),
    path("<int:activity_id>/manage/", partner.activity_manage, name="manage"),
    path("<int:activity_id>/edit/", partner.activity_edit, name="edit"),
    path("<int:activity_id>/publish/", partner.activity_publish, name="publish"),
    path("<int:activity_id>/cancel/", partner.activity_cancel, name="cancel"),
    path(
        "sessions/<int:session_id>/cancel/",
        partner.session_cancel,
        name="session-cancel",
    ),
    path(
        "sessions/<int:session_id>/register/",
        registers.session_register,
        name="register",
    ),
    path(
        "sessions/<int:session_id>/register/walk-in/",
        registers.walk_in_add,
        name="register-walk-in",
    ),
    path(
        "sessions/<int:session_id>/register/walk-ins/",
        registers.walk_in_count,
        name="register-walk-in-count",
    ),
    path("referrals/", linkworker.referral_list, name="referrals"),
    path("eligibility/", linkworker.eligibility_verify, name="verify"),
    path(
        "households/new-for-family/",
        linkworker.household_on_behalf,
        name="household-on-behalf",
    ),
    path(
        "households/<int:household_id>/invite/",
        linkworker.household_invite,
        name="household-invite",
    ),
    path("claim/<str:token>/", linkworker.household_claim, name="household-claim"),
]
