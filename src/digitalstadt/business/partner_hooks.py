"""Partners' and events' registrations (called from hooks.register): the office's work
area for role requests, the partner organisations' areas, and the audit actions."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import (OrganisationArea, StaffArea, organisation_areas, register_audit_actions,
                                        staff_areas)

AUDIT_ACTIONS = (
    ("business.partner_role_revoked", _("Partnerrolle entzogen")),
    ("business.series_created", _("Veranstaltungsreihe angelegt")),
    ("business.series_updated", _("Veranstaltungsreihe geändert")),
    ("business.venue_saved", _("Veranstaltungsort gespeichert")),
    ("business.date_saved", _("Termin gespeichert")),
)


def _is_office(user) -> bool:
    from digitalstadt.accounts.selectors import user_has_staff_role

    return user_has_staff_role(user=user, role="business_development")


def _office_counts(user):
    from .partner_selectors import open_requests_count

    return [(_("offene Anträge"), open_requests_count(), reverse("staff-business:roles") + "?status=requested")]


def _may_manage(user, organisation) -> bool:
    from .partner_selectors import may_manage_partner

    return may_manage_partner(user=user, organisation=organisation)


def _may_organise(user, organisation) -> bool:
    from .partner_selectors import may_organise

    return may_organise(user=user, organisation=organisation)


def register() -> None:
    register_audit_actions(AUDIT_ACTIONS)
    staff_areas.register(StaffArea(
        "business.partner_roles", _("Partnerrollen"), "staff-business:roles",
        _("Anträge von Partnerorganisationen auf Rollen (Veranstalter, Sicherheitsberatung) entscheiden"),
        _is_office, 300, counts=_office_counts))
    organisation_areas.register(OrganisationArea(
        "business.partner_roles", _("Rollen der Partnerorganisation"),
        _("Rollen bei der Wirtschaftsförderung beantragen und ihren Stand sehen"),
        kinds=("partner",), url=lambda organisation: reverse("partner:home", kwargs={"org": organisation.slug}),
        visible_to=_may_manage, order=10))
    organisation_areas.register(OrganisationArea(
        "business.events", _("Coachings und Webinare"),
        _("Veranstaltungsreihen, Termine und Veranstaltungsorte anlegen und bearbeiten"),
        kinds=("partner",),
        url=lambda organisation: reverse("partner:series-list", kwargs={"org": organisation.slug}),
        visible_to=_may_organise, order=20))
