from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "digitalstadt.mailbox"
    label = "mailbox"
    verbose_name = _("Postfach")

    def ready(self) -> None:
        from . import hooks

        hooks.register()
