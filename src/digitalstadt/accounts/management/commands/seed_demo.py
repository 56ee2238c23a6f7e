"""Idempotent Darmstadt demo data: accounts for every role, organisations, offices.

Facts come from shared/data/darmstadt.md; invented details are marked as demo data.
Refuses to run with production settings. Later apps add their own demo data through
`seed_demo` hooks (DEMO_SEEDERS in settings).
"""

import os

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from digitalstadt.accounts.models import (
    AssuranceLevel,
    Membership,
    Organisation,
    OrganisationKind,
    OrgRole,
    StaffRole,
    StaffRoleKind,
    User,
)
from digitalstadt.mailbox.selectors import has_messages
from digitalstadt.mailbox.services import message_send

DEFAULT_DEMO_PASSWORD = "Darmstadt-Demo-2026"
# Documented in the README: add it to any authenticator app (or compute codes with pyotp).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPDARMSTADT234567A"

OFFICES = [
    ("buergeramt", "Bürger- und Ordnungsamt", "Luisenplatz 5", "64283", ""),
    ("wirtschaftsfoerderung", "Wirtschaftsförderung Darmstadt", "Luisenplatz 5A", "64283", ""),
    ("strassenverkehrsamt", "Straßenverkehrs- und Tiefbauamt (Parkraum)", "Bessunger Straße 125", "64295", ""),
    # Bulky waste is the EAD's (darmstadt.md): hotline 06151 13-46000, Sensfelderweg 33.
    ("ead", "EAD – Eigenbetrieb für kommunale Aufgaben und Dienstleistungen", "Sensfelderweg 33", "64293",
     "06151 13-46000"),
]

# email, first, last, staff role, office slug
STAFF = [
    ("admin@digitalstadt.example", "Paula", "Plattform", StaffRoleKind.PLATFORM_ADMIN, None),
    ("sachbearbeitung@digitalstadt.example", "Sami", "Sachbearbeiter", StaffRoleKind.CASE_WORKER, "buergeramt"),
    ("schalter@digitalstadt.example", "Carla", "Schalter", StaffRoleKind.COUNTER_STAFF, "buergeramt"),
    ("amtsleitung@digitalstadt.example", "Olaf", "Amtsverwaltung", StaffRoleKind.OFFICE_ADMIN, "buergeramt"),
    ("wirtschaft@digitalstadt.example", "Wiebke", "Wirtschaft", StaffRoleKind.BUSINESS_DEVELOPMENT, "wirtschaftsfoerderung"),
    # The business development office also checks and approves the marketplace's shops.
    ("wirtschaft@digitalstadt.example", "Wiebke", "Wirtschaft", StaffRoleKind.MARKETPLACE, None),
    ("parken@digitalstadt.example", "Pit", "Parkraum", StaffRoleKind.PARKING_ENFORCEMENT, "strassenverkehrsamt"),
]

# email, first, last, assurance
CITIZENS = [
    ("buerger@digitalstadt.example", "Berta", "Bürger", AssuranceLevel.EMAIL),
    ("eid@digitalstadt.example", "Emil", "Eid", AssuranceLevel.EID_HIGH),
]

# slug, name, kind, owner email, other members (email, role)
ORGANISATIONS = [
    ("kaffeeroesterei-mathildenhoehe", "Kaffeerösterei Mathildenhöhe (Demo)", OrganisationKind.SHOP,
     "laden@digitalstadt.example", [("verkauf@digitalstadt.example", OrgRole.SALES)]),
    ("lastenrad-kurier-da", "Lastenrad-Kurier DA (Demo)", OrganisationKind.COURIER,
     "kurier@digitalstadt.example", [("fahrer@digitalstadt.example", OrgRole.DRIVER)]),
    ("softwarehaus-bessungen", "Softwarehaus Bessungen GmbH (Demo)", OrganisationKind.COMPANY,
     "firma@digitalstadt.example", [("team@digitalstadt.example", OrgRole.MEMBER)]),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


class Command(BaseCommand):
    help = "Load idempotent Darmstadt demo data (never in production)."

    def handle(self, *args, **options):
        settings_module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if settings_module.endswith(".production") or not getattr(settings, "DEMO_DATA_ALLOWED", True):
            raise CommandError("seed_demo refuses to run with production settings.")
        with transaction.atomic():
            self.seed_accounts()
            for path in getattr(settings, "DEMO_SEEDERS", []):
                import_string(path)(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def ensure_user(self, email, first, last, *, assurance=AssuranceLevel.EMAIL, is_staff=False) -> User:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last, "is_staff": is_staff,
                                   "assurance_level": assurance, "assurance_source": "demo-data"},
        )
        if created:
            # One hash for all demo accounts: hashing is deliberately slow (about 1 s here).
            if not hasattr(self, "_password_hash"):
                self._password_hash = make_password(demo_password())
            user.password = self._password_hash
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def seed_accounts(self):
        offices = {}
        for slug, name, street, plz, phone in OFFICES:
            offices[slug], _ = Organisation.objects.get_or_create(
                slug=slug, defaults={"name": name, "kind": OrganisationKind.OFFICE, "street": street,
                                     "postal_code": plz, "city": "Darmstadt", "phone": phone})
        for email, first, last, role, office in STAFF:
            user = self.ensure_user(email, first, last, is_staff=role == StaffRoleKind.PLATFORM_ADMIN)
            StaffRole.objects.get_or_create(user=user, role=role, office=offices.get(office))
            if role == StaffRoleKind.CASE_WORKER:
                # The demo case worker handles the online services of every office.
                for other in offices.values():
                    StaffRole.objects.get_or_create(user=user, role=role, office=other)
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
                RecoveryCodes.activate(user)
        for email, first, last, assurance in CITIZENS:
            user = self.ensure_user(email, first, last, assurance=assurance)
            if not has_messages(user=user):
                message_send(
                    recipient_user=user, sender_name="Wissenschaftsstadt Darmstadt",
                    subject="Willkommen in Ihrem Postfach",
                    body="Hier erhalten Sie Bescheide, Termine und Nachrichten der Stadt. (Demo-Daten)",
                )
        for slug, name, kind, owner_email, members in ORGANISATIONS:
            org, _ = Organisation.objects.get_or_create(
                slug=slug, defaults={"name": name, "kind": kind, "city": "Darmstadt"})
            owner = self.ensure_user(owner_email, "Inhaber", name.split(" ")[0])
            Membership.objects.get_or_create(user=owner, organisation=org, defaults={"role": OrgRole.OWNER})
            for email, role in members:
                member = self.ensure_user(email, "Team", name.split(" ")[0])
                Membership.objects.get_or_create(user=member, organisation=org, defaults={"role": role})
