"""Django admin for the core domain (platform admins only). Every save or delete
here leaves an entry in the audit log (hub.admin_base.AuditedModelAdmin), which
is listed read-only under "Audit entries"."""

from django import forms
from django.contrib import admin

from hub.admin_base import AuditedModelAdmin
from hub.errors import DomainError
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
from hub.services import term_assert_no_overlap


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Trust)
class TrustAdmin(AuditedModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Site)
class SiteAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "postcode", "area", "trust", "timezone"]
    list_filter = ["trust", "area"]
    list_select_related = ["trust"]
    search_fields = ["name", "slug", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline]


@admin.register(Room)
class RoomAdmin(AuditedModelAdmin):
    """Rooms are created on the product's pages (hub.services.room_create);
    here they can be inspected and edited."""

    list_display = ["name", "site", "capacity", "is_bookable"]
    list_filter = ["site", "is_bookable", "features"]
    list_select_related = ["site"]
    search_fields = ["name", "site__name"]
    filter_horizontal = ["features"]
    readonly_fields = ["calendar"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RoomFeature)
class RoomFeatureAdmin(AuditedModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class TermAdminForm(forms.ModelForm):
    """The admin is where trust-wide terms are entered, so it applies the same
    no-overlap rule as hub.services.term_create."""

    class Meta:
        model = Term
        fields = ["site", "trust", "name", "starts_on", "ends_on"]

    def clean(self):
        data = super().clean()
        term = Term(pk=self.instance.pk, **{k: data.get(k) for k in self.Meta.fields})
        dates_ok = term.starts_on and term.ends_on and term.starts_on <= term.ends_on
        if dates_ok and (term.site or term.trust):
            try:
                term_assert_no_overlap(term=term)
            except DomainError as exc:
                raise forms.ValidationError({exc.field: exc.message}) from None
        return data


@admin.register(Holiday)
class DatePeriodAdmin(AuditedModelAdmin):
    list_display = ["name", "site", "trust", "starts_on", "ends_on"]
    list_filter = ["site", "trust"]
    list_select_related = ["site", "trust"]
    date_hierarchy = "starts_on"


@admin.register(Term)
class TermAdmin(DatePeriodAdmin):
    form = TermAdminForm


@admin.register(Closure)
class ClosureAdmin(AuditedModelAdmin):
    list_display = ["reason", "site", "starts_on", "ends_on"]
    list_filter = ["site"]
    list_select_related = ["site"]


@admin.register(StaffRole)
class StaffRoleAdmin(AuditedModelAdmin):
    list_display = ["user", "site", "role"]
    list_filter = ["role", "site"]
    list_select_related = ["user", "site"]
    search_fields = ["user__email", "user__username", "site__name"]
    autocomplete_fields = ["site"]
    raw_id_fields = ["user"]
