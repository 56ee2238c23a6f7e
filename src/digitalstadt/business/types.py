"""Business's public enums: other apps (the exchange's forum categories and toolkits,
cyber security) name the same topics."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["EventFormat", "PartnerRoleKind", "PartnerRoleStatus", "Topic"]


class Topic(models.TextChoices):
    REMOTE_LEADERSHIP = "remote_leadership", _("Führen auf Distanz")
    ONLINE_ONBOARDING = "online_onboarding", _("Online-Einarbeitung")
    TEAM_COHESION = "team_cohesion", _("Zusammenhalt im Team")
    HOME_OFFICE_SECURITY = "home_office_security", _("IT und Sicherheit im Homeoffice")


class EventFormat(models.TextChoices):
    WEBINAR = "webinar", _("Webinar (online)")
    IN_PERSON = "in_person", _("vor Ort")
    HYBRID = "hybrid", _("hybrid (vor Ort und online)")


class PartnerRoleKind(models.TextChoices):
    EVENT_ORGANISER = "event_organiser", _("Veranstalter von Coachings und Webinaren")
    SECURITY_ADVISER = "security_adviser", _("Sicherheitsberatung (IT-Sicherheitscheck)")


class PartnerRoleStatus(models.TextChoices):
    REQUESTED = "requested", _("beantragt")
    APPROVED = "approved", _("freigegeben")
    REJECTED = "rejected", _("abgelehnt")
    REVOKED = "revoked", _("entzogen")
