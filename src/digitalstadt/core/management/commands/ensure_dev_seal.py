"""Generate the development seal (root CA + "Dienstsiegel" certificate) once.

Idempotent: an existing chain is kept. With a configured PKCS#12 (production) it does
nothing, so `make setup` can always call it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from digitalstadt.core.signing import ensure_dev_seal


class Command(BaseCommand):
    help = "Create the self-signed development seal in VAR_DIR/signing/ unless it exists."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace an existing development seal.")

    def handle(self, *args, force: bool = False, verbosity: int = 1, **options):
        if settings.SIGNING_PKCS12_PATH:
            if verbosity:
                self.stdout.write("SIGNING_PKCS12_PATH is set: the configured seal is used, nothing to do.")
            return
        paths = ensure_dev_seal(force=force)
        if verbosity:
            state = "created" if paths.created else "already present"
            self.stdout.write(f"Development seal {state}: {paths.seal_pkcs12} (trust root {paths.root_certificate})")
