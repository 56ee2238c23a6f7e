from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AccessibilityFeedback, AuditEntry, Document, WorkerHeartbeat


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
class DocumentAdmin(admin.ModelAdmin):
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


admin.site.register(AccessibilityFeedback)
admin.site.register(WorkerHeartbeat)
