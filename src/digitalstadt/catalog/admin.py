from django.contrib import admin

from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name_de", "leika_key", "is_active")
    search_fields = ("name_de", "name_en", "synonyms", "leika_key")
    prepopulated_fields = {"slug": ("name_de",)}
