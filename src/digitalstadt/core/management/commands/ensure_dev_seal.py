"""Generate the development seal (root CA + "Dienstsiegel" certificate) once.

Idempotent: an existing chain is kept. With a configured PKCS#12 (production) nothing is
generated; the command then checks that the configured seal and trust roots load, so a
deployment can run it to fail early instead of at the first decision.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from digitalstadt.core import signing


class Command(BaseCommand):
    help = "Create the self-signed development seal in VAR_DIR/signing/ unless it exists."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace an existing development seal.")

    def handle(self, *args, force: bool = False, verbosity: int = 1, **options):
        if settings.SIGNING_PKCS12_PATH:
            try:
                signer = signing.load_signer()
                roots = signing.trust_roots()
            except Exception as error:  # noqa: BLE001 - report any loading problem plainly
                raise CommandError(f"The configured seal cannot be used: {error}") from error
            if verbosity:
                self.stdout.write(
                    f"Configured seal loads: {signer.signing_cert.subject.human_friendly}; "
                    f"{len(roots)} trust root(s). Nothing generated."
                )
            return
        paths = signing.ensure_dev_seal(force=force)
        if verbosity:
            state = "created" if paths.created else "already present"
            self.stdout.write(f"Development seal {state}: {paths.seal_pkcs12} (trust root {paths.root_certificate})")
