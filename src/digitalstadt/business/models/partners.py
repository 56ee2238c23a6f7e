"""Partner organisations' roles. A partner (an Organisation of kind partner) asks for a
role; the business development office approves each one. Only an approved role lets
the partner act: an event organiser publishes coachings and webinars, a security
adviser runs security checks for small firms (cybersecurity app)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.scoping import organisation_scoped

from ..types import PartnerRoleKind, PartnerRoleStatus

__all__ = ["PartnerRole"]


class PartnerRole(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="partner_roles", limit_choices_to={"kind": "partner"},
                                     verbose_name=_("Partnerorganisation"))
    kind = models.CharField(_("Rolle"), max_length=32, choices=PartnerRoleKind.choices)
    status = models.CharField(_("Status"), max_length=16, choices=PartnerRoleStatus.choices,
                              default=PartnerRoleStatus.REQUESTED)
    reason = models.TextField(_("Begründung des Antrags"), blank=True)
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("Hinweis zur Entscheidung"), blank=True)

    objects = organisation_scoped()

    class Meta:
        verbose_name = _("Partnerrolle")
        verbose_name_plural = _("Partnerrollen")
        ordering = ["organisation__name", "kind"]
        constraints = [models.UniqueConstraint(fields=["organisation", "kind"], name="one_partner_role_per_kind")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_approved(self) -> bool:
        return self.status == PartnerRoleStatus.APPROVED
