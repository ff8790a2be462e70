"""Django admin for the core domain (platform admins only). Changes to sites,
rooms and staff roles keep a history (simple_history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hub.models import (
    Closure,
    Holiday,
    OpeningHours,
    Room,
    RoomFeature,
    Site,
    StaffRole,
    Term,
    Trust,
)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "postcode", "area", "trust", "timezone"]
    list_filter = ["trust", "area"]
    list_select_related = ["trust"]
    search_fields = ["name", "slug", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline]


@admin.register(Room)
class RoomAdmin(SimpleHistoryAdmin):
    """Rooms are created on the product's pages (hub.services.room_create makes
    their calendar); here they can be inspected and edited."""

    list_display = ["name", "site", "capacity", "is_bookable"]
    list_filter = ["site", "is_bookable", "features"]
    list_select_related = ["site"]
    search_fields = ["name", "site__name"]
    filter_horizontal = ["features"]
    readonly_fields = ["calendar"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RoomFeature)
class RoomFeatureAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Term, Holiday)
class DatePeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "trust", "starts_on", "ends_on"]
    list_filter = ["site", "trust"]
    list_select_related = ["site", "trust"]
    date_hierarchy = "starts_on"


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["reason", "site", "starts_on", "ends_on"]
    list_filter = ["site"]
    list_select_related = ["site"]


@admin.register(StaffRole)
class StaffRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "site", "role"]
    list_filter = ["role", "site"]
    list_select_related = ["user", "site"]
    search_fields = ["user__email", "user__username", "site__name"]
    autocomplete_fields = ["site"]
    raw_id_fields = ["user"]
