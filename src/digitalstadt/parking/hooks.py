"""What parking registers into core's registry (called from ParkingConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import StaffArea, document_verification_details, register_audit_actions, staff_areas

AUDIT_ACTIONS = (
    ("parking.permit_checked", _("Bewohnerparkausweis geprüft")),
    ("parking.plate_checked", _("Kennzeichen geprüft (Parkraumüberwachung)")),
    ("parking.permit_issued", _("Bewohnerparkausweis ausgestellt")),
    ("parking.permit_document_attached", _("Ausweis-PDF mit dem Bewohnerparkausweis verknüpft")),
    ("parking.permit_renewed", _("Bewohnerparkausweis verlängert")),
    ("parking.permit_revoked", _("Bewohnerparkausweis widerrufen")),
)


def _enforcement(user) -> bool:
    from digitalstadt.accounts.selectors import user_has_staff_role

    return user_has_staff_role(user=user, role="parking_enforcement")


def _permit_details(**kwargs):
    from .selectors import permit_verification_details

    return permit_verification_details(**kwargs)


def _old_permits(*, user, move):
    """A permit for a zone the citizen no longer lives in is said plainly."""
    from django.utils import formats, timezone
    from django.utils.translation import gettext

    from digitalstadt.register.types import FollowUp

    from .models import ResidentPermit

    today = timezone.localdate()
    permits = [p for p in ResidentPermit.objects.select_related("zone").filter(
        holder=user, valid_until__gte=today, revoked_at__isnull=True) if p.zone.code != move.new.zone_code]
    if not permits:
        return None
    listed = ", ".join(gettext("Zone %(zone)s für %(plate)s (bis %(until)s)") % {
        "zone": p.zone.code, "plate": p.plate, "until": formats.date_format(p.valid_until, "SHORT_DATE_FORMAT")}
        for p in permits)
    return FollowUp(title=gettext("Ihr bisheriger Bewohnerparkausweis"),
                    text=gettext("Ein Bewohnerparkausweis gilt nur in der Zone Ihrer Anschrift. Nach dem Umzug gilt "
                                 "nicht mehr: %(permits)s. Für die restliche Laufzeit wenden Sie sich bitte an das "
                                 "Straßenverkehrsamt.") % {"permits": listed})


def register() -> None:
    from digitalstadt.register.registry import MoveFollowUp, move_followups

    register_audit_actions(AUDIT_ACTIONS)
    move_followups.register(MoveFollowUp("parking.old_permits", _old_permits, order=15))
    staff_areas.register(StaffArea("parking.permit_check", _("Bewohnerparkausweis prüfen"),
                                   "staff-parking:permit-check", _("Kennzeichen gegen gültige Ausweise prüfen"),
                                   _enforcement, 400))
    document_verification_details.register(_permit_details, id="parking.resident_permit")
