"""What the flags and moderation part registers (called from exchange.hooks.register):
audit actions, the moderation work areas, retention of the notifiers' data, export and
erasure, and the transparency figures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = (
    ("exchange.notice_submitted", _("Forumsbeitrag gemeldet")),
    ("exchange.moderation_decided", _("Über gemeldeten Forumsbeitrag entschieden")),
    ("exchange.appeal_submitted", _("Einspruch gegen Moderationsentscheidung eingelegt")),
    ("exchange.appeal_decided", _("Über Einspruch gegen Moderationsentscheidung entschieden")),
    ("exchange.moderator_appointed", _("Moderator/in für das Forum ernannt")),
    ("exchange.moderator_removed", _("Moderator/in des Forums abberufen")),
    ("exchange.notice_read", _("Meldung mit Angaben der meldenden Person gelesen")),
)


def _moderator(user) -> bool:
    from .permissions import is_moderator

    return is_moderator(user)


def _appointer(user) -> bool:
    from .moderation_services import may_appoint

    return may_appoint(user=user)


def _queue_counts(user):
    from django.urls import reverse
    from django.utils.translation import gettext

    from .moderation_selectors import open_appeals, open_post_count

    url = reverse("exchange-moderation:queue")
    return [(gettext("gemeldete Beiträge"), open_post_count(), url),
            (gettext("offene Einsprüche"), open_appeals(user=user).count(), url)]


def _purge(*, cutoff) -> int:
    from .moderation_personal_data import notices_purge

    return notices_purge(cutoff=cutoff)


def _export(*, user):
    from .moderation_personal_data import personal_export

    return personal_export(user=user)


def _erase(*, user):
    from .moderation_personal_data import personal_erase

    return personal_erase(user=user)


def _notices():
    from .moderation_selectors import notice_count

    return notice_count()


def _decisions():
    from .moderation_selectors import decision_count

    return decision_count()


def _median():
    from .moderation_selectors import median_hours_to_decision

    return median_hours_to_decision()


def register() -> None:
    from digitalstadt.core.registry import (
        DashboardFigure,
        PersonalDataHandler,
        RetentionPolicy,
        StaffArea,
        dashboard_figures,
        personal_data_handlers,
        register_audit_actions,
        retention_policies,
        staff_areas,
    )

    register_audit_actions(AUDIT_ACTIONS)
    staff_areas.register(StaffArea("exchange.moderation", _("Moderation des Austauschs"), "exchange-moderation:queue",
                                   _("Gemeldete Forumsbeiträge entscheiden, Einsprüche, Moderationsprotokoll"),
                                   _moderator, 610, counts=_queue_counts))
    staff_areas.register(StaffArea("exchange.moderators", _("Moderatorinnen und Moderatoren"),
                                   "exchange-moderation:moderators",
                                   _("Personen aus Partnerorganisationen für das Forum ernennen und abberufen"),
                                   _appointer, 611))
    retention_policies.register(RetentionPolicy(
        "exchange_notices", _("Meldungen im Forum: Name und E-Mail der meldenden Person nach der Entscheidung"), 365,
        _purge))
    personal_data_handlers.register(PersonalDataHandler("exchange.moderation",
                                                        _("Austausch: Meldungen, Moderationsentscheidungen, "
                                                          "Einsprüche"), _export, _erase))
    dashboard_figures.register(DashboardFigure("exchange.notices", _("Meldungen im Forum"), _notices,
                                               description=_("Meldungen nach dem Digital Services Act, seit Beginn"),
                                               order=640))
    dashboard_figures.register(DashboardFigure("exchange.decisions", _("Moderationsentscheidungen"), _decisions,
                                               description=_("von Personen getroffen, seit Beginn"), order=641))
    dashboard_figures.register(DashboardFigure("exchange.median_hours", _("Stunden bis zur Entscheidung (Median)"),
                                               _median, description=_("von der Meldung bis zur Entscheidung"),
                                               order=642))
