"""What every part of the application engine shares: constants, plugin look-up,
ownership checks and the citizen's notification of a case change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _


from ..models import (
    Application,
    Case,
    CaseStatus,
)
from ..plugins.base import ServicePlugin, get_plugin


# The engine's own step between the plugin's steps and the summary (uploads, no data).
EVIDENCE_STEP = "nachweise"

# Status changes a case worker may make by hand (decisions go through case_decide).
MANUAL_TRANSITIONS = {
    CaseStatus.AWAITING_PAYMENT: {CaseStatus.CLOSED},
    CaseStatus.RECEIVED: {CaseStatus.IN_REVIEW},
    CaseStatus.EVIDENCE_REQUESTED: {CaseStatus.IN_REVIEW},
    CaseStatus.IN_REVIEW: {CaseStatus.RECEIVED},
    CaseStatus.APPROVED: {CaseStatus.CLOSED},
    CaseStatus.REJECTED: {CaseStatus.CLOSED},
}


def plugin_for(service: Any) -> ServicePlugin:
    plugin = get_plugin(service.slug)
    if plugin is None or not service.online_application or not service.is_active:
        raise ValidationError(_("Diese Leistung kann nicht online beantragt werden."))
    return plugin


def _own_application(application: Application, user: Any) -> None:
    if not user.is_authenticated or application.applicant_id != user.pk:
        raise PermissionDenied


def _draft(application: Application, user: Any) -> Application:
    _own_application(application, user)
    if application.status != Application.Status.DRAFT:
        raise ValidationError(_("Dieser Antrag wurde bereits eingereicht und kann nicht mehr geändert werden."))
    return application


# --- notifications -------------------------------------------------------------------


def _notify(case: Case, *, subject: str, body: str, documents=(), actor: Any = None, extra: str = "",
            params: dict | None = None, more: tuple[str, dict] | None = None) -> None:
    """A Postfach message to the applicant (e-mail notice included), in their language.
    `subject` and `body` are gettext'd format strings with %(ref)s and %(service)s."""
    from digitalstadt.mailbox.services import message_send

    user = case.applicant
    with translation.override(user.language):
        params = {"ref": case.reference, "service": case.service.name,
                  **{k: str(v) for k, v in (params or {}).items()}}
        text = _(body) % params
        if extra:
            text += "\n\n" + extra
        if more:  # a plugin's own paragraph: a gettext'd format string and its values
            text += "\n\n" + _(more[0]) % more[1]
        from digitalstadt.core.urls_helpers import absolute_url

        text += "\n\n" + _("Den aktuellen Stand sehen Sie jederzeit hier: %(url)s") % {
            "url": absolute_url("applications:case", kwargs={"reference": case.reference})}
        message_send(subject=_(subject) % params, body=text,
                     sender_name=case.office.name if case.office else settings.CITY_NAME,
                     recipient_user=user, documents=documents, regarding=f"applications.case:{case.pk}",
                     actor=actor)
