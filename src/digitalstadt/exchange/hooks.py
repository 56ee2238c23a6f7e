"""What the exchange registers into core's registry (called from ExchangeConfig.ready):
the forum's audit actions, the review queue as a staff work area (business development
office), dashboard figures, retention of the digest bookkeeping and a member's export
and erasure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FORUM_AUDIT_ACTIONS = (
    ("exchange.thread_created", _("Forum: Frage gestellt")),
    ("exchange.post_created", _("Forum: Antwort geschrieben")),
    ("exchange.post_edited", _("Forum: Beitrag bearbeitet")),
    ("exchange.answer_accepted", _("Forum: Antwort akzeptiert")),
    ("exchange.notification_level_set", _("Forum: Benachrichtigung geändert")),
    ("exchange.post_approved", _("Forum: Beitrag nach Prüfung freigegeben")),
    ("exchange.post_rejected", _("Forum: Beitrag nach Prüfung abgelehnt")),
    ("exchange.review_queue_read", _("Forum: Prüfliste gelesen")),
)


def _moderator(user) -> bool:
    from .permissions import is_moderator

    return is_moderator(user)


def _review_counts(user):
    from .review_services import pending_posts

    return [(_("Beiträge warten auf Prüfung"), pending_posts().count())]


def _asked():
    from .forum_selectors import questions_asked_count

    return questions_asked_count()


def _answered():
    from .forum_selectors import questions_answered_count

    return questions_answered_count()


def _solved():
    from .forum_selectors import questions_solved_count

    return questions_solved_count()


def _purge(*, cutoff) -> int:
    from .forum_personal_data import digests_purge

    return digests_purge(cutoff=cutoff)


def _export(*, user):
    from .forum_personal_data import personal_export

    return personal_export(user=user)


def _erase(*, user):
    from .forum_personal_data import personal_erase

    return personal_erase(user=user)


def register() -> None:
    from . import knowledge_hooks

    knowledge_hooks.register()
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

    register_audit_actions(FORUM_AUDIT_ACTIONS)
    staff_areas.register(StaffArea("exchange.review_queue", _("Forum: Beiträge prüfen"), "exchange:review-queue",
                                   _("Erste Beiträge neuer Mitglieder freigeben oder ablehnen"),
                                   visible_to=_moderator, order=520, counts=_review_counts))
    dashboard_figures.register(DashboardFigure("exchange.questions_asked", _("Fragen im Forum"), _asked,
                                               description=_("Austausch für Unternehmen, seit Beginn"), order=520))
    dashboard_figures.register(DashboardFigure("exchange.questions_answered", _("Fragen mit Antwort"), _answered,
                                               description=_("Fragen im Forum mit mindestens einer Antwort"),
                                               order=521))
    dashboard_figures.register(DashboardFigure("exchange.questions_solved", _("Fragen mit akzeptierter Antwort"),
                                               _solved, description=_("als gelöst markiert"), order=522))
    retention_policies.register(RetentionPolicy("exchange_forum_digests",
                                                _("Forum: Versandliste der täglichen Zusammenfassung"), 90, _purge))
    personal_data_handlers.register(PersonalDataHandler(
        "exchange.forum", _("Forum: Beiträge (bleiben ohne Namen stehen), Name im Forum, Benachrichtigungen"),
        _export, _erase))
    from . import hooks_moderation

    hooks_moderation.register()
