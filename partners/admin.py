"""Django admin for partners (platform admins only). Decisions and document
checks belong on the review pages, which go through the services; the admin
is for correcting details. Every save or delete here leaves an audit entry
(hub.admin_base.AuditedModelAdmin)."""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from hub.admin_base import AuditedModelAdmin
from partners.models import ComplianceDocument, Partner, PartnerMembership


class MembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "status", "rate_band", "status_decided_at"]
    list_filter = ["status", "kind", "rate_band"]
    search_fields = ["name", "slug", "registration_number", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}
    # Status changes go through the review page, so who/when/why is recorded.
    readonly_fields = [
        "status",
        "status_decided_by",
        "status_decided_at",
        "status_reason",
    ]
    inlines = [MembershipInline]
    # Web addresses typed without a scheme are https (Django 6's default).
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }


@admin.register(ComplianceDocument)
class ComplianceDocumentAdmin(AuditedModelAdmin):
    list_display = ["partner", "kind", "expires_on", "verified_at"]
    list_filter = ["kind"]
    list_select_related = ["partner"]
    search_fields = ["partner__name"]
    exclude = ["file"]
    readonly_fields = ["document", "uploaded_by", "verified_by", "verified_at"]
    date_hierarchy = "expires_on"

    def has_add_permission(self, request):
        return False  # partners upload through their page (type and size checks)

    @admin.display(description="File")
    def document(self, obj):
        """A link to the permission-checked view; the file has no public URL."""
        if obj.pk is None:
            return "-"
        url = reverse("partners:document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file.name.rsplit("/")[-1])
