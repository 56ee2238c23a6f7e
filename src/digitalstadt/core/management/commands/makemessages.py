"""makemessages that also extracts the project's gettext aliases: `_l` (gettext_lazy)
and `N_` (gettext_noop, for messages translated later in the recipient's language)."""

from django.core.management.commands.makemessages import Command as Base


class Command(Base):
    xgettext_options = Base.xgettext_options + ["--keyword=_l", "--keyword=N_"]
