"""Read-mostly admin: bookings change only through the services (the pages and
the API), so the admin shows them without add/change rights."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bookings.models import Booking, BookingDecision, Slot


class SlotInline(admin.TabularInline):
    model = Slot
    fields = ["starts_at", "ends_at", "state", "is_active", "note", "price_pence"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class DecisionInline(admin.TabularInline):
    model = BookingDecision
    fields = ["kind", "decided_by", "decided_at", "note", "dates"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Booking)
class BookingAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "partner",
        "room",
        "status",
        "recurrence_summary",
        "created_at",
    ]
    list_filter = ["status", "room__site"]
    search_fields = ["title", "partner__name"]
    list_select_related = ["partner", "room__site"]
    inlines = [SlotInline, DecisionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
