from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "digitalstadt.register"
    verbose_name = _("Register (Melderegister, Straßen, Zonen)")

    def ready(self) -> None:
        from . import hooks

        hooks.register()
