"""What attendance, certificates and feedback register into core's registry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import (
    DashboardFigure,
    OrganisationArea,
    PersonalDataHandler,
    RetentionPolicy,
    StaffArea,
    dashboard_figures,
    document_verification_details,
    organisation_areas,
    personal_data_handlers,
    register_audit_actions,
    retention_policies,
    staff_areas,
)

AUDIT_ACTIONS = (
    ("business.participants_viewed", _("Teilnehmendenliste angesehen")),
    ("business.checked_in", _("Teilnehmende/n eingecheckt")),
    ("business.certificate_issued", _("Teilnahmebescheinigung ausgestellt")),
    ("business.certificates_issued", _("Teilnahmebescheinigungen für einen Termin ausgestellt")),
    ("business.feedback_submitted", _("Rückmeldung zu einem Termin gegeben")),
    ("business.feedback_viewed", _("Rückmeldungen angesehen")),
)


def _certificate_details(**kwargs):
    from .attendance_selectors import certificate_verification_details

    return certificate_verification_details(**kwargs)


def _answers():
    from .feedback_selectors import feedback_answer_count

    return feedback_answer_count()


def _average():
    from .feedback_selectors import feedback_overall_average

    return feedback_overall_average()


def _export(**kwargs):
    from .attendance_personal_data import personal_export

    return personal_export(**kwargs)


def _erase(**kwargs):
    from .attendance_personal_data import personal_erase

    return personal_erase(**kwargs)


def _purge_checkins(**kwargs):
    from .attendance_personal_data import checkin_purge

    return checkin_purge(**kwargs)


def _purge_feedback(**kwargs):
    from .attendance_personal_data import feedback_purge

    return feedback_purge(**kwargs)


def _dates_url(organisation) -> str:
    from django.urls import reverse

    return reverse("business:attendance-dates", kwargs={"partner": organisation.slug})


def _organiser(user, organisation) -> bool:
    from .attendance_services import user_may_organise

    return user_may_organise(user=user, organisation=organisation)


def _business_development(user) -> bool:
    from digitalstadt.accounts.selectors import user_has_staff_role

    return user_has_staff_role(user=user, role="business_development")


def register() -> None:
    organisation_areas.register(OrganisationArea(
        id="business.attendance", label=_("Anwesenheit und Bescheinigungen"),
        description=_("Check-in der Teilnehmenden, Teilnahmebescheinigungen und Rückmeldungen"),
        kinds=("partner",), url=_dates_url, visible_to=_organiser, order=40))
    staff_areas.register(StaffArea(
        "business.feedback", _("Rückmeldungen zu Coachings und Webinaren"), "business-staff-feedback:list",
        _("Zusammengefasste Rückmeldungen je Termin und Reihe"), _business_development, 520))
    register_audit_actions(AUDIT_ACTIONS)
    document_verification_details.register(_certificate_details, id="business.certificate")
    dashboard_figures.register(DashboardFigure(
        "business.feedback_answers", _("Rückmeldungen zu Coachings und Webinaren"), _answers,
        description=_("Antworten auf den Feedbackbogen, seit Beginn"), order=520))
    dashboard_figures.register(DashboardFigure(
        "business.feedback_average", _("Gesamteindruck der Coachings und Webinare (1–5)"), _average,
        description=_("Durchschnitt aller Rückmeldungen, 5 ist am besten"), order=521))
    retention_policies.register(RetentionPolicy(
        "business_checkins", _("Weiterbildung: Check-in-Daten und Ticketcodes"), 730, _purge_checkins))
    retention_policies.register(RetentionPolicy(
        "business_feedback", _("Weiterbildung: Anmerkungen in Rückmeldungen"), 365, _purge_feedback))
    personal_data_handlers.register(PersonalDataHandler(
        "business.attendance", _("Weiterbildung: Teilnahme, Bescheinigungen und Rückmeldungen"), _export, _erase))
