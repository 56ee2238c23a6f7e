from django.contrib import admin

from digitalstadt.core.admin import ReadOnlyAdmin  # money records change only through services

from .models import Payment, PaymentTransaction, StatementImport, WebhookEvent


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "amount_cents", "amount_received_cents", "status", "provider", "regarding",
                    "needs_review", "created_at"]
    list_filter = ["status", "provider", "needs_review"]
    search_fields = ["reference", "regarding"]


@admin.register(PaymentTransaction)
class PaymentTransactionAdmin(ReadOnlyAdmin):
    list_display = ["bank_reference", "amount_cents", "booking_date", "match_status", "needs_review", "payment"]
    list_filter = ["match_status", "needs_review", "source"]
    search_fields = ["bank_reference", "payment__reference"]


@admin.register(StatementImport)
class StatementImportAdmin(ReadOnlyAdmin):
    list_display = ["filename", "created_at", "credits_total", "matched_count", "unknown_count", "duplicate_count"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["provider", "event_id", "event_type", "result", "received_at"]
