from django.contrib import admin

from hub.admin_base import AuditedModelAdmin, ReadOnlyModelAdmin
from reports.models import ReportExport, TrustAdministrator


@admin.register(TrustAdministrator)
class TrustAdministratorAdmin(AuditedModelAdmin):
    list_display = ["user", "trust", "created_at"]
    list_select_related = ["user", "trust"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username", "trust__name"]


@admin.register(ReportExport)
class ReportExportAdmin(ReadOnlyModelAdmin):
    """Report files made in the background, read-only: who asked, for what
    scope, and how far it got. The file itself is never read here (only the
    person who asked may fetch it, reports.background.export_for)."""

    list_display = ["created_at", "requested_by", "title", "scope_key", "fmt", "status"]
    list_filter = ["status", "kind", "fmt", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["requested_by__username", "scope_key", "title"]
    date_hierarchy = "created_at"
    list_select_related = ["requested_by"]
    exclude = ["content"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")
