from django.contrib import admin

from digitalstadt.core.admin import AuditedModelAdmin

from .models import Message, OutboundEmail


@admin.register(Message)
class MessageAdmin(AuditedModelAdmin):
    list_display = ("subject", "sender_name", "recipient_user", "recipient_organisation", "created_at")


@admin.register(OutboundEmail)
class OutboundEmailAdmin(AuditedModelAdmin):
    list_display = ("to", "subject", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    readonly_fields = ("body_text", "body_html", "last_error")
