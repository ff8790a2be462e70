from django.contrib import admin

from hub.admin_base import AuditedModelAdmin
from reports.models import TrustAdministrator


@admin.register(TrustAdministrator)
class TrustAdministratorAdmin(AuditedModelAdmin):
    list_display = ["user", "trust", "created_at"]
    list_select_related = ["user", "trust"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username", "trust__name"]
