"""Print the current TOTP code of the demo staff accounts (development only)."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .seed_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code for the demo staff accounts (not in production)."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", True):
            raise CommandError("demo_totp is for demo data only.")
        counter = int(time.time()) // mfa_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
