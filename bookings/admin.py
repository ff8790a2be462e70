"""Read-only admin: bookings change only through the services (the pages and
the API), so the admin shows them without add/change rights. Who changed what
is in the one audit log (hub.AuditEntry, its own admin page)."""

from django.contrib import admin

from bookings.models import Booking, Slot


class SlotInline(admin.TabularInline):
    model = Slot
    fields = ["starts_at", "ends_at", "state", "is_active", "note", "price_pence"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
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
    inlines = [SlotInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
