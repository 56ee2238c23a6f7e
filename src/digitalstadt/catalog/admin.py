from django.contrib import admin

from digitalstadt.core.admin import AuditedModelAdmin

from .models import Evidence, Fee, LifeSituation, SearchSynonym, Service


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0


@admin.register(Service)
class ServiceAdmin(AuditedModelAdmin):
    list_display = ("name_de", "leika_key", "ozg_maturity", "online_application", "is_active")
    list_filter = ("ozg_maturity", "online_application", "is_active")
    search_fields = ("name_de", "name_en", "synonyms", "leika_key")
    prepopulated_fields = {"slug": ("name_de",)}
    inlines = [FeeInline, EvidenceInline]


@admin.register(LifeSituation)
class LifeSituationAdmin(AuditedModelAdmin):
    list_display = ("name_de", "order")
    filter_horizontal = ("services",)


admin.site.register(SearchSynonym, AuditedModelAdmin)
