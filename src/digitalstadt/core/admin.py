from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit import audit_log
from .models import AccessibilityFeedback, AuditEntry, Document, WorkerHeartbeat
from .ratelimit import client_ip

# Fields that name the person a record is about, in the order they are looked for.
_PERSON_FIELDS = ("user", "owner_user", "recipient_user")


def _data_subject(obj: models.Model):
    if isinstance(obj, get_user_model()):
        return obj
    for name in _PERSON_FIELDS:
        if any(f.name == name for f in obj._meta.concrete_fields):
            return getattr(obj, name, None)
    return None


def admin_audit(request, obj: models.Model, action: str, changed=()) -> None:
    """One audit entry for a write through the Django admin: the model and the names
    (never the values) of the fields that changed."""
    audit_log(actor=request.user, action=action, subject=obj, data_subject=_data_subject(obj),
              data={"model": obj._meta.label_lower, "changed": sorted(changed)}, ip_address=client_ip(request))


class AuditedAdminMixin:
    """Every write through a ModelAdmin (add, change, delete, bulk delete, list_editable,
    inlines) writes an audit entry ("admin.created", "admin.changed", "admin.deleted"),
    in the admin's transaction. Put it first in the bases; every registered ModelAdmin
    that allows writes uses it (core/tests/test_admin_audit.py checks)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            admin_audit(request, obj, "admin.created", form.changed_data)
        elif form.changed_data:
            admin_audit(request, obj, "admin.changed", form.changed_data)

    def delete_model(self, request, obj):
        admin_audit(request, obj, "admin.deleted")  # before: a deleted object has no pk
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            admin_audit(request, obj, "admin.deleted")
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                admin_audit(request, deleted.instance, "admin.deleted")
        super().save_formset(request, form, formset, change)
        changed_fields = {id(f.instance): f.changed_data for f in formset.forms}
        for obj in formset.new_objects:
            admin_audit(request, obj, "admin.created", changed_fields.get(id(obj), ()))
        for obj, fields in formset.changed_objects:
            admin_audit(request, obj, "admin.changed", fields)


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through services (with audit entries) or never."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_ref", "action", "subject_type", "subject_id", "data_subject_ref")
    list_filter = ("action",)
    search_fields = ("actor_ref", "action", "subject_id", "data_subject_ref")


@admin.register(Document)
class DocumentAdmin(AuditedModelAdmin):
    list_display = ("title", "filename", "created_at", "made_available_at", "first_opened_at", "signed_at", "revoked_at")
    readonly_fields = ("sha256", "size", "made_available_at", "first_opened_at",
                       "verification_id", "document_type", "issuing_office", "signed_at", "revoked_at")
    list_filter = ("document_type",)
    search_fields = ("verification_id",)
    actions = ["revoke_sealed_documents"]

    @admin.action(description=_("Gesiegelte Dokumente widerrufen"))
    def revoke_sealed_documents(self, request, queryset):
        from .services import signed_document_revoke

        count = 0
        for document in queryset.filter(verification_id__isnull=False, revoked_at__isnull=True):
            signed_document_revoke(document=document, actor=request.user, reason="admin")
            count += 1
        self.message_user(request, _("%(count)d Dokument(e) widerrufen.") % {"count": count})


admin.site.register(AccessibilityFeedback, AuditedModelAdmin)
admin.site.register(WorkerHeartbeat, AuditedModelAdmin)
