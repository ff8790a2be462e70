"""Admin pieces every app uses: edits made in the Django admin leave an entry in
the one audit log (hub.audit), like changes made through the services, and the
log itself is readable (never editable) in the admin."""

from django.contrib import admin
from django.db import transaction

from hub.audit import audit_record, snapshot
from hub.models import AuditEntry


def _action(obj, verb: str) -> str:
    return f"{obj._meta.model_name}.{verb}"


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes each write one audit entry
    (``"<model>.created"``, ``".changed"`` or ``".deleted"`` by the admin user),
    with the before/after of the fields the form changed, in the same
    transaction as the change."""

    def save_model(self, request, obj, form, change):
        fields = [name for name in form.changed_data if name in _concrete_fields(obj)]
        before = _before(obj, fields) if change else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = snapshot(obj, fields)
            audit_record(
                actor=request.user,
                action=_action(obj, "changed" if change else "created"),
                obj=obj,
                reason="Changed in the admin.",
                changes={k: [before.get(k), v] for k, v in after.items()},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=_action(obj, "deleted"),
                obj=obj,
                reason="Deleted in the admin.",
            )
            super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows (opening hours, memberships) are audited too."""
        with transaction.atomic():
            deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
            for obj in deleted:
                audit_record(
                    actor=request.user,
                    action=_action(obj, "deleted"),
                    obj=obj,
                    reason="Deleted in the admin.",
                )
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                audit_record(
                    actor=request.user,
                    action=_action(obj, "created"),
                    obj=obj,
                    reason="Added in the admin.",
                )
            for obj, fields in formset.changed_objects:
                audit_record(
                    actor=request.user,
                    action=_action(obj, "changed"),
                    obj=obj,
                    reason="Changed in the admin.",
                    changes={k: [None, v] for k, v in snapshot(obj, fields).items()},
                )

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


def _concrete_fields(obj) -> set[str]:
    return {f.name for f in obj._meta.concrete_fields}


def _before(obj, fields: list[str]) -> dict:
    """The stored values (the form has already put the new ones on `obj`)."""
    if not fields or obj.pk is None:
        return {}
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return snapshot(stored, fields) if stored is not None else {}


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Records the admin shows but nobody adds, edits or deletes there (the
    audit log, report files): nothing changes, so nothing to audit."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """The audit log, read-only: nobody adds, edits or deletes entries here."""

    list_display = ["created_at", "actor_name", "action", "object_repr", "reason"]
    list_filter = ["action", "content_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["object_repr", "actor_name", "action", "reason"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
