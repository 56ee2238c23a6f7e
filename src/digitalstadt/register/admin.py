from django.contrib import admin

from digitalstadt.core.admin import AuditedModelAdmin, ReadOnlyAdmin

from .models import BulkyWasteItem, District, ParkingZone, PickupDate, Resident, Street, StreetZone


class StreetZoneInline(admin.TabularInline):
    model = StreetZone
    extra = 0


@admin.register(Street)
class StreetAdmin(AuditedModelAdmin):
    list_display = ["name", "postal_code", "district"]
    list_filter = ["district"]
    search_fields = ["name"]
    inlines = [StreetZoneInline]


admin.site.register(District, AuditedModelAdmin)
admin.site.register(ParkingZone, AuditedModelAdmin)
admin.site.register(PickupDate, AuditedModelAdmin)
admin.site.register(BulkyWasteItem, AuditedModelAdmin)


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    """Read-only: the register is fed by the registration procedure, not edited here
    (changing the eID link would hand one person's record to another account). Every
    look at a record is a staff read of personal data and is audit-logged."""

    list_display = ["family_name", "given_names", "street", "house_number", "kind"]
    search_fields = ["family_name", "given_names"]

    def changelist_view(self, request, extra_context=None):
        from digitalstadt.core.audit import audit_log

        audit_log(actor=request.user, action="register.residents_listed",
                  data={"search": request.GET.get("q", "")[:100]})
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from digitalstadt.core.audit import audit_log

        resident = Resident.objects.filter(pk=object_id).first()
        if resident is not None:
            audit_log(actor=request.user, action="register.resident_viewed", subject=resident)
        return super().change_view(request, object_id, form_url, extra_context)
