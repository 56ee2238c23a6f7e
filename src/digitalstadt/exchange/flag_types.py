"""The enums of notices and moderation decisions (EU Digital Services Act, Art. 16-20)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["AppealOutcome", "AppellantRole", "DecisionOutcome", "NoticeReason", "TermsRule"]


class NoticeReason(models.TextChoices):
    # Art. 16 DSA: anyone may notify illegal content (also without an account).
    ILLEGAL = "illegal", _("Rechtswidriger Inhalt")
    SPAM = "spam", _("Spam oder Werbung")
    HARASSMENT = "harassment", _("Belästigung oder Beleidigung")
    OFF_TOPIC = "off_topic", _("Nicht zum Thema")
    RULES = "rules", _("Verstoß gegen die Forumsregeln")
    PERSONAL_DATA = "personal_data", _("Personenbezogene Daten Dritter")


# What members may flag for; ILLEGAL is open to everyone.
MEMBER_REASONS = tuple(NoticeReason)


class DecisionOutcome(models.TextChoices):
    KEEP = "keep", _("Beitrag bleibt (keine Maßnahme)")
    REMOVE = "remove", _("Beitrag entfernt")


class TermsRule(models.TextChoices):
    """The rules of the forum terms a decision can rest on (or the law: `legal_ground`)."""

    RESPECT = "respect", _("Regel 1: Respektvoller Umgang, keine Beleidigungen oder Belästigung")
    NO_ADVERTISING = "no_advertising", _("Regel 2: Keine Werbung und kein Spam")
    ON_TOPIC = "on_topic", _("Regel 3: Beiträge passen zum Thema der Kategorie")
    PRIVACY = "privacy", _("Regel 4: Keine personenbezogenen Daten Dritter")
    LAWFUL = "lawful", _("Regel 5: Keine rechtswidrigen Inhalte")


class AppellantRole(models.TextChoices):
    AUTHOR = "author", _("Verfasser/in des Beitrags")
    NOTIFIER = "notifier", _("Meldende Person")


class AppealOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Entscheidung bestätigt")
    REVERSED = "reversed", _("Entscheidung aufgehoben")
