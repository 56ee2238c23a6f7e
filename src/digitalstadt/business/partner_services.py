"""Partner roles: a partner's owner or admin requests a role with a reason; the business
development office approves or rejects it with a note, and may revoke an approved one.
Every step is audited and the partner is told through its Postfach (and by e-mail)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one
from digitalstadt.core.scoping import organisation_scope, unscoped

from .models import PartnerRole
from .partner_selectors import is_partner, may_manage_partner
from .types import PartnerRoleKind, PartnerRoleStatus

OFFICE_NAME = "Wirtschaftsförderung Darmstadt"


def _require_office(actor: Any) -> None:
    from digitalstadt.accounts.selectors import user_has_staff_role

    if not user_has_staff_role(user=actor, role="business_development"):
        raise PermissionDenied(_("Nur die Wirtschaftsförderung entscheidet über Partnerrollen."))


def partner_role_request(*, actor: Any, organisation: Any, kind: str, reason: str) -> PartnerRole:
    if not is_partner(organisation):
        raise ValidationError(_("Rollen können nur Partnerorganisationen beantragen."))
    if not may_manage_partner(user=actor, organisation=organisation):
        raise PermissionDenied(_("Nur Inhaber und Verwalter der Partnerorganisation können Rollen beantragen."))
    if kind not in PartnerRoleKind.values:
        raise ValidationError(_("Diese Rolle gibt es nicht."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError(_("Bitte begründen Sie den Antrag in ein paar Sätzen."))
    with transaction.atomic(), organisation_scope(organisation):
        role = PartnerRole.objects.filter(kind=kind).first()
        if role is not None:
            role = lock_one(PartnerRole.objects.filter(pk=role.pk))
            if role.status in (PartnerRoleStatus.REQUESTED, PartnerRoleStatus.APPROVED):
                raise ValidationError(_("Diese Rolle ist schon beantragt oder freigegeben."))
            # A rejected or revoked role may be asked for again.
            role.status = PartnerRoleStatus.REQUESTED
            role.reason, role.requested_by, role.requested_at = reason, actor, timezone.now()
            role.decided_by, role.decided_at, role.decision_note = None, None, ""
            role.save()
        else:
            role = PartnerRole.objects.create(organisation=organisation, kind=kind, reason=reason,
                                              requested_by=actor)
        audit_log(actor=actor, action="business.partner_role_requested", subject=role, data={"kind": kind})
    return role


def _decide(*, actor: Any, role: PartnerRole, status: str, note: str, allowed_from: tuple, subject: str,
            body: str) -> PartnerRole:
    _require_office(actor)
    note = (note or "").strip()
    with transaction.atomic(), unscoped():
        try:
            role = lock_one(PartnerRole.objects.filter(pk=role.pk))
        except PartnerRole.DoesNotExist:
            raise ValidationError(_("Diese Partnerrolle gibt es nicht mehr.")) from None
        if role.status not in allowed_from:
            raise ValidationError(_("Über diese Partnerrolle ist schon entschieden."))
        role.status, role.decided_by, role.decided_at, role.decision_note = status, actor, timezone.now(), note
        role.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if status == PartnerRoleStatus.REVOKED:
            audit_log(actor=actor, action="business.partner_role_revoked", subject=role,
                      data={"kind": role.kind, "note": note})
        else:
            audit_log(actor=actor, action="business.partner_role_decided", subject=role,
                      data={"kind": role.kind, "status": status, "note": note})
        from digitalstadt.mailbox.services import message_send

        text = body % {"role": role.get_kind_display(), "organisation": role.organisation.name}
        if note:
            text += "\n\n" + _("Hinweis der Wirtschaftsförderung: %(note)s") % {"note": note}
        message_send(subject=subject % {"role": role.get_kind_display()}, body=text, sender_name=OFFICE_NAME,
                     recipient_organisation=role.organisation, regarding="business.partner_role", actor=actor)
    return role


def partner_role_approve(*, actor: Any, role: PartnerRole, note: str = "") -> PartnerRole:
    return _decide(actor=actor, role=role, status=PartnerRoleStatus.APPROVED, note=note,
                   allowed_from=(PartnerRoleStatus.REQUESTED,),
                   subject=_("Partnerrolle freigegeben: %(role)s"),
                   body=_("Die Wirtschaftsförderung hat für %(organisation)s die Rolle „%(role)s“ freigegeben."))


def partner_role_reject(*, actor: Any, role: PartnerRole, note: str) -> PartnerRole:
    if not (note or "").strip():
        raise ValidationError(_("Bitte nennen Sie der Partnerorganisation den Grund der Ablehnung."))
    return _decide(actor=actor, role=role, status=PartnerRoleStatus.REJECTED, note=note,
                   allowed_from=(PartnerRoleStatus.REQUESTED,),
                   subject=_("Partnerrolle abgelehnt: %(role)s"),
                   body=_("Die Wirtschaftsförderung hat den Antrag von %(organisation)s auf die Rolle "
                          "„%(role)s“ abgelehnt."))


def partner_role_revoke(*, actor: Any, role: PartnerRole, note: str) -> PartnerRole:
    if not (note or "").strip():
        raise ValidationError(_("Bitte nennen Sie der Partnerorganisation den Grund für den Entzug."))
    return _decide(actor=actor, role=role, status=PartnerRoleStatus.REVOKED, note=note,
                   allowed_from=(PartnerRoleStatus.APPROVED,),
                   subject=_("Partnerrolle entzogen: %(role)s"),
                   body=_("Die Wirtschaftsförderung hat %(organisation)s die Rolle „%(role)s“ entzogen."))
