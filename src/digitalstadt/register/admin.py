from django.contrib import admin

from .models import District, ParkingZone, PickupDate, Resident, Street, StreetZone


class StreetZoneInline(admin.TabularInline):
    model = StreetZone
    extra = 0


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "postal_code", "district"]
    list_filter = ["district"]
    search_fields = ["name"]
    inlines = [StreetZoneInline]


admin.site.register(District)
admin.site.register(ParkingZone)
admin.site.register(PickupDate)


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_names", "street", "house_number", "kind"]
    search_fields = ["family_name", "given_names"]
