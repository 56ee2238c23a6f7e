"""What parking registers into core's registry (called from ParkingConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import (
    ApiScope,
    StaffArea,
    api_scopes,
    document_verification_details,
    register_audit_actions,
    staff_areas,
)

AUDIT_ACTIONS = (
    ("parking.permit_checked", _("Bewohnerparkausweis geprüft")),
    ("parking.plate_checked", _("Kennzeichen geprüft (Parkraumüberwachung)")),
    ("parking.permit_issued", _("Bewohnerparkausweis ausgestellt")),
    ("parking.permit_document_attached", _("Ausweis-PDF mit dem Bewohnerparkausweis verknüpft")),
    ("parking.permit_renewed", _("Bewohnerparkausweis verlängert")),
    ("parking.permit_revoked", _("Bewohnerparkausweis widerrufen")),
    ("parking.permit_ended_on_move", _("Bewohnerparkausweis mit dem Umzug beendet")),
)


def _enforcement(user) -> bool:
    from digitalstadt.accounts.selectors import user_has_staff_role

    return user_has_staff_role(user=user, role="parking_enforcement")


def _permit_details(**kwargs):
    from .selectors import permit_verification_details

    return permit_verification_details(**kwargs)


def register() -> None:
    from . import hooks_carparks, hooks_feeds, hooks_forecast, hooks_vouchers

    register_audit_actions(AUDIT_ACTIONS)
    hooks_carparks.register()
    hooks_feeds.register()
    hooks_forecast.register()
    hooks_vouchers.register()
    staff_areas.register(StaffArea("parking.permit_check", _("Bewohnerparkausweis prüfen"),
                                   "staff-parking:permit-check", _("Kennzeichen gegen gültige Ausweise prüfen"),
                                   _enforcement, 400))
    document_verification_details.register(_permit_details, id="parking.resident_permit")
    # A parking officer's handheld checks plates in the officer's name: personal tokens
    # for people with the enforcement role (asked again on every call). Machine tokens
    # only for offices (the city's Ordnungsamt or the service it contracts, set up as an
    # office): a company or shop must never look up plates.
    api_scopes.register(ApiScope("parking:enforcement", _("Kennzeichen prüfen (Parkraumüberwachung)"),
                                 _("Handyparken, Bewohnerparkausweise und Gutscheine zu Kennzeichen und Zone "
                                   "(GET /api/v1/parking/enforcement, /api/v1/parking/plates/…)"),
                                 organisation=True, organisation_kinds=("office",), personal_for=_enforcement))
    from . import hooks_street

    hooks_street.register()
