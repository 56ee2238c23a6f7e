import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.scoping import organisation_scoped


class AssuranceLevel(models.TextChoices):
    """Identity assurance (Vertrauensniveau). Only an eID plugin raises it."""

    NONE = "none", _("keine (E-Mail nicht bestätigt)")
    EMAIL = "email", _("E-Mail-Adresse bestätigt")
    EID_SUBSTANTIAL = "eid_substantial", _("eID substanziell")
    EID_HIGH = "eid_high", _("eID hoch")

    @classmethod
    def rank(cls, level: str) -> int:
        return [c.value for c in cls].index(level)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    first_name = models.CharField(_("Vorname"), max_length=150, blank=True)
    last_name = models.CharField(_("Nachname"), max_length=150, blank=True)
    language = models.CharField(_("Sprache"), max_length=8, choices=settings.LANGUAGES, default="de")
    assurance_level = models.CharField(
        _("Vertrauensniveau"), max_length=20, choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )
    assurance_source = models.CharField(_("Nachgewiesen durch"), max_length=64, blank=True)
    assurance_verified_at = models.DateTimeField(_("Nachgewiesen am"), null=True, blank=True)
    # Pseudonymous subject from the eID broker (bPK2 or similar), unique per person.
    eid_subject = models.CharField(max_length=255, null=True, blank=True, unique=True)
    is_staff = models.BooleanField(_("Zugang zum Mitarbeitendenbereich"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("registriert"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def has_assurance(self, level: str) -> bool:
        return AssuranceLevel.rank(self.assurance_level) >= AssuranceLevel.rank(level)


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Unternehmen")
    SHOP = "shop", _("Geschäft")
    COURIER = "courier", _("Kurierdienst")
    OFFICE = "office", _("Amt / Dienststelle")
    CARPARK_OPERATOR = "carpark", _("Parkhausbetreiber")
    # Partners of the business development office (chambers, HEAG, House of IT, ...):
    # they run coachings and webinars once the office approves a role (business app).
    PARTNER = "partner", _("Partnerorganisation")


class Organisation(models.Model):
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    kind = models.CharField(_("Art"), max_length=16, choices=OrganisationKind.choices)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrgRole(models.TextChoices):
    OWNER = "owner", _("Inhaber/in")
    ADMIN = "admin", _("Administration")
    MEMBER = "member", _("Mitarbeiter/in")
    # Role names used by later pillars (shops, couriers); scoped to the organisation.
    SALES = "sales", _("Verkauf")
    DRIVER = "driver", _("Fahrer/in")


# Roles that may manage members, invitations and API tokens of an organisation.
ORG_MANAGER_ROLES = {OrgRole.OWNER, OrgRole.ADMIN}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rolle"), max_length=16, choices=OrgRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("E-Mail-Adresse"))
    role = models.CharField(_("Rolle"), max_length=16, choices=OrgRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = organisation_scoped()

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class StaffRoleKind(models.TextChoices):
    CASE_WORKER = "case_worker", _("Sachbearbeitung")
    COUNTER_STAFF = "counter_staff", _("Schalter / Bürgerbüro")
    OFFICE_ADMIN = "office_admin", _("Amtsverwaltung")
    BUSINESS_DEVELOPMENT = "business_development", _("Wirtschaftsförderung")
    PARKING_ENFORCEMENT = "parking_enforcement", _("Parkraumüberwachung")
    PLATFORM_ADMIN = "platform_admin", _("Plattform-Administration")
    MARKETPLACE = "marketplace", _("Marktplatz / Wirtschaftsförderung")


# Roles whose scope is an office (an Organisation of kind office).
OFFICE_SCOPED_ROLES = {StaffRoleKind.CASE_WORKER, StaffRoleKind.COUNTER_STAFF, StaffRoleKind.OFFICE_ADMIN}


class StaffRole(models.Model):
    """A city staff role. Office-scoped roles name the office; counter staff may be
    narrowed further to one location of that office."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("Rolle"), max_length=32, choices=StaffRoleKind.choices)
    office = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="staff_roles",
        limit_choices_to={"kind": OrganisationKind.OFFICE}, verbose_name=_("Amt"),
    )
    location = models.ForeignKey(
        "appointments.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="staff_roles",
        verbose_name=_("Standort"), help_text=_("Leer lassen: gilt für alle Standorte des Amts."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("Rolle (Stadtverwaltung)")
        verbose_name_plural = _("Rollen (Stadtverwaltung)")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "office"], name="unique_staff_role_per_office",
                                    condition=models.Q(office__isnull=False, location__isnull=True)),
            models.UniqueConstraint(fields=["user", "role", "location"], name="unique_staff_role_per_location",
                                    condition=models.Q(location__isnull=False)),
            models.UniqueConstraint(fields=["user", "role"], name="unique_unscoped_staff_role",
                                    condition=models.Q(office__isnull=True, location__isnull=True)),
        ]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.location_id and self.office_id and self.location.office_id != self.office_id:
            raise ValidationError({"location": _("Dieser Standort gehört nicht zum gewählten Amt.")})
        if self.location_id and not self.office_id:
            self.office_id = self.location.office_id

    def __str__(self) -> str:
        scope = f" ({self.location})" if self.location_id else (f" ({self.office})" if self.office_id else "")
        return f"{self.get_role_display()}{scope}"


class ApiToken(models.Model):
    """A machine token for one organisation, or a personal token of one staff member
    for a device (then `user` is set and `organisation` is empty, and what the token
    does is done in that person's name). Only the SHA-256 of the secret is stored; the
    secret is shown once at creation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens",
                                     null=True, blank=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="personal_api_tokens", null=True,
                             blank=True, verbose_name=_("persönlicher Schlüssel von"))
    name = models.CharField(_("Bezeichnung"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # What the token may do (core.registry.api_scopes ids) and until when; tokens from
    # before scopes existed have none and may only ask who they are.
    scopes = models.JSONField(_("Berechtigungen"), default=list, blank=True)
    expires_at = models.DateTimeField(_("gültig bis"), null=True, blank=True)

    objects = organisation_scoped()

    class Meta:
        verbose_name = _("API-Schlüssel")
        verbose_name_plural = _("API-Schlüssel")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(organisation__isnull=False, user__isnull=True)
                           | models.Q(organisation__isnull=True, user__isnull=False)),
                name="api_token_organisation_xor_person"),
        ]

    @property
    def is_personal(self) -> bool:
        return self.user_id is not None

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class StaffInvitation(models.Model):
    """A platform admin's invitation to a new staff account: the link (only the SHA-256
    of its secret is stored) lets the person set a password once, before `expires_at`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung (Stadtverwaltung)")
        verbose_name_plural = _("Einladungen (Stadtverwaltung)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
