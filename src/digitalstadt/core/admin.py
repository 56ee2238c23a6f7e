from django.contrib import admin

from .models import AccessibilityFeedback, AuditEntry, Document, WorkerHeartbeat


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_ref", "action", "subject_type", "subject_id", "data_subject_ref")
    list_filter = ("action",)
    search_fields = ("actor_ref", "action", "subject_id", "data_subject_ref")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "filename", "created_at", "made_available_at", "first_opened_at")
    readonly_fields = ("sha256", "size", "made_available_at", "first_opened_at")


admin.site.register(AccessibilityFeedback)
admin.site.register(WorkerHeartbeat)
