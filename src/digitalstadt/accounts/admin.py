from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Invitation, Membership, Organisation, StaffRole, User


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    fk_name = "user"
    extra = 0
    fields = ("role", "office", "location")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "assurance_level", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    list_filter = ("is_staff", "is_active", "assurance_level", "staff_roles__role")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "language")}),
        (_("Identität"), {"fields": ("assurance_level", "assurance_source", "assurance_verified_at")}),
        (_("Berechtigungen"), {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    readonly_fields = ("assurance_level", "assurance_source", "assurance_verified_at")
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "is_staff")}),)
    inlines = [StaffRoleInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "slug")
    list_filter = ("kind",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "prefix", "created_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash")


admin.site.register(Invitation)


# The Django admin has its own password-only login form, which would skip the second
# factor: send everyone through the allauth login (password, then TOTP) instead.
# Staff MFA for /admin/ itself is enforced by StaffMFARequiredMiddleware.
admin.site.login = secure_admin_login(admin.site.login)
