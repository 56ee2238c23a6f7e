"""Writes of the knowledge base: the business development office publishes a new version
of a toolkit; downloads are counted (a number per day, nothing about the person)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one, race_window

from .knowledge_text import validate_body
from .models import Toolkit, ToolkitDownloadDay, ToolkitVersion

DOWNLOAD_FORMATS = ("pdf", "odt")


def user_may_edit_toolkits(*, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from digitalstadt.accounts.selectors import user_has_staff_role

    return user_has_staff_role(user=user, role="business_development")


def toolkit_publish_version(*, actor, toolkit: Toolkit, body: str, change_note: str, based_on: int,
                            ip_address: str | None = None) -> ToolkitVersion:
    """Publish `body` as the next version of `toolkit`. `based_on` is the version the
    editor started from: if someone published in the meantime, nothing is saved and the
    editor is told to look at the newer version first (the toolkit row is locked while
    the number is taken, and the unique (toolkit, number) constraint backs it)."""
    if not user_may_edit_toolkits(user=actor):
        raise PermissionDenied
    body = validate_body(body)
    change_note = (change_note or "").strip()
    if not change_note:
        raise ValidationError(_("Bitte beschreiben Sie kurz, was sich geändert hat."))
    if len(change_note) > 300:
        raise ValidationError(_("Der Änderungshinweis ist zu lang (höchstens 300 Zeichen)."))
    try:
        with transaction.atomic():
            lock_one(Toolkit.objects.filter(pk=toolkit.pk))
            current = ToolkitVersion.objects.filter(toolkit=toolkit).aggregate(n=Max("number"))["n"] or 0
            if based_on != current:
                raise ValidationError(_(
                    "Inzwischen wurde Version %(number)s veröffentlicht. Bitte prüfen Sie diese Fassung "
                    "und übernehmen Sie Ihre Änderungen dort.") % {"number": current})
            race_window("exchange.toolkit_publish")
            latest = ToolkitVersion.objects.filter(toolkit=toolkit, number=current).first()
            if latest is not None and latest.body == body:
                raise ValidationError(_("Der Inhalt ist unverändert. Es wurde keine neue Version angelegt."))
            version = ToolkitVersion.objects.create(toolkit=toolkit, number=current + 1, body=body,
                                                    change_note=change_note, published_at=timezone.now(),
                                                    published_by=actor)
            audit_log(actor=actor, action="exchange.toolkit_version_published", subject=version,
                      ip_address=ip_address, data={"toolkit": toolkit.slug, "number": version.number,
                                                   "change_note": change_note})
    except IntegrityError:
        raise ValidationError(_("Gerade wurde eine andere Version veröffentlicht. Bitte laden Sie die Seite "
                                "neu und versuchen Sie es noch einmal.")) from None
    return version


def toolkit_download_count(*, toolkit: Toolkit, number: int, format: str, day: dt.date | None = None) -> None:
    """One more download of version `number` in `format` today (no personal data)."""
    day = day or timezone.localdate()
    rows = ToolkitDownloadDay.objects.filter(toolkit=toolkit, number=number, format=format, day=day)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ToolkitDownloadDay.objects.create(toolkit=toolkit, number=number, format=format, day=day, count=1)
    except IntegrityError:  # another request made today's row first
        rows.update(count=F("count") + 1)
