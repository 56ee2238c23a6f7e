from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.admin import AuditedAdminMixin, AuditedModelAdmin, admin_audit
from digitalstadt.core.scoping import unscoped

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
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
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

    def user_change_password(self, request, id, form_url=""):
        # The password form saves the user itself (no save_model): audit a successful change.
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None:
                admin_audit(request, user, "admin.changed", ["password"])
        return response


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "slug")
    list_filter = ("kind",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


class AcrossOrganisationsAdmin(AuditedModelAdmin):
    """Platform admins see the rows of every organisation (core.scoping): every admin
    page of the model runs unscoped (lists, forms and their uniqueness checks)."""

    def get_queryset(self, request):
        return self.model.objects.with_scopes_disabled().all()

    def changelist_view(self, request, extra_context=None):
        with unscoped():
            return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with unscoped():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        with unscoped():
            return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        with unscoped():
            return super().history_view(request, object_id, extra_context)


@admin.register(ApiToken)
class ApiTokenAdmin(AcrossOrganisationsAdmin):
    list_display = ("name", "organisation", "prefix", "created_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash")


@admin.register(Invitation)
class InvitationAdmin(AcrossOrganisationsAdmin):
    list_display = ("email", "organisation", "role", "created_at", "accepted_at", "revoked_at")

# Third-party admins that allow writes, registered again with the audit mixin (their
# modules are imported above, so they are registered already when this runs).
admin.site.unregister(Group)
admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, BaseGroupAdmin):
    pass


@admin.register(EmailAddress)
class EmailAddressAdmin(AuditedAdminMixin, BaseEmailAddressAdmin):
    @admin.action(description=BaseEmailAddressAdmin.make_verified.short_description)
    def make_verified(self, request, queryset):
        unverified = list(queryset.filter(verified=False))
        super().make_verified(request, queryset)
        for address in EmailAddress.objects.filter(pk__in=[a.pk for a in unverified], verified=True):
            admin_audit(request, address, "admin.changed", ["verified"])


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedAdminMixin, BaseAuthenticatorAdmin):
    pass


# The Django admin has its own password-only login form, which would skip the second
# factor: send everyone through the allauth login (password, then TOTP) instead.
# Staff MFA for /admin/ itself is enforced by StaffMFARequiredMiddleware.
admin.site.login = secure_admin_login(admin.site.login)
