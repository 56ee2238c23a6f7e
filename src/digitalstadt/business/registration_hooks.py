"""What the registration part registers into core's and payments' registries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = (
    ("business.registration_created", _("Zu einem Termin angemeldet")),
    ("business.registration_cancelled", _("Anmeldung zu einem Termin storniert")),
    ("business.registration_paid", _("Teilnahmegebühr bezahlt")),
    ("business.registration_refunded", _("Teilnahmegebühr zur Erstattung vorgemerkt")),
    ("business.seat_offered", _("Platz von der Warteliste angeboten")),
    ("business.offer_claimed", _("Angebotenen Platz angenommen")),
    ("business.offer_declined", _("Angebotenen Platz abgelehnt")),
    ("business.hold_expired", _("Reservierter Platz verfallen")),
    ("business.event_date_cancelled", _("Termin abgesagt")),
)


def _back_link(*, payment, user):
    from django.urls import reverse

    from .models import Registration
    from .registration_services import REGARDING_PREFIX

    if not payment.regarding.startswith(REGARDING_PREFIX):
        return None
    try:
        pk = int(payment.regarding.removeprefix(REGARDING_PREFIX))
    except ValueError:
        return None
    if not Registration.objects.filter(pk=pk, participant=user).exists():
        return None
    return reverse("business:my-registrations"), _("Zurück zu meinen Anmeldungen")


def _paid(*, payment):
    from .registration_services import registration_paid

    return registration_paid(payment=payment)


def _company_url(organisation) -> str:
    from django.urls import reverse

    return reverse("business:company-registrations", kwargs={"slug": organisation.slug})


def _company_manager(user, organisation) -> bool:
    from digitalstadt.accounts.selectors import can_manage_organisation

    return can_manage_organisation(user=user, organisation=organisation)


def register() -> None:
    from digitalstadt.core.registry import (
        DashboardFigure,
        OrganisationArea,
        PersonalDataHandler,
        RetentionPolicy,
        dashboard_figures,
        organisation_areas,
        personal_data_handlers,
        register_audit_actions,
        retention_policies,
    )
    from digitalstadt.payments.registry import PaymentBackLink, SettledHandler, back_links, settled_handlers

    from . import registration_personal_data as personal_data
    from .registration_selectors import participants_registered

    register_audit_actions(AUDIT_ACTIONS)
    personal_data_handlers.register(PersonalDataHandler(
        "business.registrations", _("Weiterbildung: Anmeldungen zu Coachings und Webinaren"),
        personal_data.export, personal_data.erase))
    retention_policies.register(RetentionPolicy(
        "business_registrations", _("Anmeldungen zu Coachings und Webinaren (nach dem Termin)"), 730,
        personal_data.purge))
    dashboard_figures.register(DashboardFigure(
        "business.participants", _("Teilnehmende an Coachings und Webinaren"), participants_registered,
        description=_("bestätigte Anmeldungen zu Terminen der letzten zwölf Monate und künftigen Terminen"),
        order=400))
    organisation_areas.register(OrganisationArea(
        "business.company_registrations", _("Coachings und Webinare"),
        _("Mitarbeitende zu Terminen anmelden und Anmeldungen verwalten"), kinds=("company",),
        url=_company_url, visible_to=_company_manager, order=200))
    settled_handlers.register(SettledHandler("business.registration", _paid))
    back_links.register(PaymentBackLink("business.registration", _back_link))
