"""Parking. So far: resident permits issued through the online application, kept ready
for enforcement (plate, zone, validity) and for the parking app to come."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..plates import normalise_plate

__all__ = ["ResidentPermit", "mask_plate", "normalise_plate"]


def mask_plate(value: str) -> str:
    """The plate as the public verification page shows it: the district and letters and
    the first digit, the other digits starred ('DA-AB 123' -> 'DA-AB 1**', 'DA-X 9E' ->
    'DA-X 9E'). Enough to see that a copied QR code belongs to another car, not enough
    to read the holder's plate off a photo of the code."""
    match = re.search(r"(\d)(\d*)(\D*)$", value or "")
    if match is None:
        return value[:-2] + "**" if len(value or "") > 2 else "***"
    return value[:match.start()] + match.group(1) + "*" * len(match.group(2)) + match.group(3)


class ResidentPermit(models.Model):
    number = models.CharField(_("Ausweisnummer"), max_length=30, unique=True)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="resident_permits")
    zone = models.ForeignKey("register.ParkingZone", on_delete=models.PROTECT, related_name="permits",
                             verbose_name=_("Zone"))
    plate = models.CharField(_("Kennzeichen"), max_length=15)
    plate_normalised = models.CharField(max_length=15, db_index=True)
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"))
    case_reference = models.CharField(_("Aktenzeichen"), max_length=20, blank=True)
    document = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    revoked_at = models.DateTimeField(_("widerrufen"), null=True, blank=True)
    revocation_reason = models.TextField(_("Grund des Widerrufs"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Bewohnerparkausweis")
        verbose_name_plural = _("Bewohnerparkausweise")
        ordering = ["-valid_from"]
        constraints = [models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")),
                                              name="permit_validity_ordered")]

    def __str__(self) -> str:
        return f"{self.number} {self.plate} ({self.zone.code})"

    def save(self, *args, **kwargs):
        self.plate_normalised = normalise_plate(self.plate)
        super().save(*args, **kwargs)
