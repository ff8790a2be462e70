"""Admin for platform staff: activities and sessions only. Households are
deliberately not registered: children's details are visible only to the
family and the partners running their activities (invariant 4). Edits here
are audited like the services' (hub.admin_base.AuditedModelAdmin)."""

from django.contrib import admin

from activities.models import Activity, Session
from hub.admin_base import AuditedModelAdmin


class SessionInline(admin.TabularInline):
    model = Session
    fields = ["starts_at", "ends_at", "status", "cancel_reason"]
    readonly_fields = ["starts_at", "ends_at"]
    extra = 0
    can_delete = False


@admin.register(Activity)
class ActivityAdmin(AuditedModelAdmin):
    list_display = ["title", "partner", "category", "eligibility", "capacity", "status"]
    list_filter = ["status", "category", "eligibility"]
    search_fields = ["title", "partner__name"]
    list_select_related = ["partner"]
    readonly_fields = ["partner", "booking", "created_by", "status"]
    inlines = [SessionInline]
