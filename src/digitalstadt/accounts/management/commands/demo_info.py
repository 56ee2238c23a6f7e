from django.core.management.base import BaseCommand

from .seed_demo import CITIZENS, DEMO_TOTP_SECRET, ORGANISATIONS, STAFF, demo_password


class Command(BaseCommand):
    help = "Print the address and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        w = self.stdout.write
        w("")
        w(self.style.SUCCESS(f"Digitalstadt Darmstadt läuft unter {url}  (English: {url}en/)"))
        w(f"Demo-Passwort für alle Konten: {demo_password()}")
        w("Bürgerinnen und Bürger:")
        for email, *_ in CITIZENS:
            w(f"  {email}")
        w("Organisationen (Inhaber/in):")
        listed = set()
        for slug, name, _kind, owner, _members in ORGANISATIONS:
            w(f"  {owner}  – {name}")
            listed.add(slug)
        # Organisations other apps' demo seeders add (e.g. the car-park operator).
        from digitalstadt.accounts.models import Membership, OrgRole

        for membership in (Membership.objects.filter(role=OrgRole.OWNER, user__email__endswith="@digitalstadt.example")
                           .exclude(organisation__slug__in=listed).select_related("user", "organisation")
                           .order_by("organisation__name")):
            w(f"  {membership.user.email}  – {membership.organisation.name}")
        w(f"Verwaltung (Zwei-Faktor-Anmeldung, TOTP-Geheimnis {DEMO_TOTP_SECRET}):")
        for email, _f, _l, role, _office in STAFF:
            w(f"  {email}  – {role.label}")
        w("Aktueller Code: .venv/bin/python manage.py demo_totp")
        w("")
