"""The per-service case-work settings kept as data: four-eyes release and text blocks."""

from django.contrib import admin

from digitalstadt.core.admin import AuditedModelAdmin

from .models import CaseworkRule, TextBlock


@admin.register(CaseworkRule)
class CaseworkRuleAdmin(AuditedModelAdmin):
    list_display = ("plugin", "four_eyes")
    list_filter = ("four_eyes",)


@admin.register(TextBlock)
class TextBlockAdmin(AuditedModelAdmin):
    list_display = ("title", "plugin", "kind")
    list_filter = ("plugin", "kind")
    search_fields = ("title", "text")
