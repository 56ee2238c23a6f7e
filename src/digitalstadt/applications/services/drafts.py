"""Citizen side, before submission: start a draft, save a step, upload and remove
evidence, send a resume link, discard."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows

from ..models import (
    Application,
    EvidenceUpload,
)
from ..plugins.base import get_plugin, to_json
from ._common import EVIDENCE_STEP, _draft, plugin_for


# --- drafts ------------------------------------------------------------------------------


def application_start(*, service: Any, user: Any) -> Application:
    """A new draft, or the open draft the person already has for this service."""
    plugin = plugin_for(service)
    if not user.has_assurance(plugin.assurance_level):
        raise PermissionDenied
    existing = Application.objects.filter(service=service, applicant=user, status=Application.Status.DRAFT).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        prefill = {key: {k: to_json(v) for k, v in values.items()}
                   for key, values in plugin.prefill(user=user).items()}
        application = Application.objects.create(service=service, plugin=plugin.slug, applicant=user,
                                                 data={"_prefill": prefill})
        audit_log(actor=user, action="applications.draft_started", subject=application, data_subject=user,
                  data={"service": service.slug})
    return application


def application_save_step(*, application: Application, step_key: str, cleaned: dict, user: Any) -> Application:
    _draft(application, user)
    plugin = get_plugin(application.plugin)
    if plugin is None or plugin.step(step_key) is None:
        raise ValidationError(_("Diesen Schritt gibt es nicht."))
    with transaction.atomic():
        locked = lock_rows(Application.objects.filter(pk=application.pk))[0]
        data = dict(locked.data)
        data[step_key] = {k: to_json(v) for k, v in cleaned.items()}
        completed = [k for k in locked.completed_steps if k != step_key] + [step_key]
        locked.data = data
        locked.completed_steps = completed
        locked.save(update_fields=["data", "completed_steps", "updated_at"])
        # Field names only: the values are the applicant's personal data.
        audit_log(actor=user, action="applications.step_saved", subject=locked, data_subject=user,
                  data={"step": step_key, "fields": sorted(cleaned)})
    application.refresh_from_db()
    return application


def application_complete_evidence(*, application: Application, user: Any) -> Application:
    """Mark the evidence step (the engine's own step, not a plugin's: it stores no data)
    as done."""
    _draft(application, user)
    with transaction.atomic():
        locked = lock_rows(Application.objects.filter(pk=application.pk))[0]
        if EVIDENCE_STEP not in locked.completed_steps:
            locked.completed_steps = [*locked.completed_steps, EVIDENCE_STEP]
            locked.save(update_fields=["completed_steps", "updated_at"])
            audit_log(actor=user, action="applications.evidence_completed", subject=locked, data_subject=user,
                      data={"uploads": locked.uploads.count()})
    application.refresh_from_db()
    return application


def application_upload_evidence(*, application: Application, evidence: Any, uploaded: Any, user: Any) -> EvidenceUpload:
    from digitalstadt.core.services import document_store

    from ..uploads import sniff_upload

    _draft(application, user)
    if evidence is not None and evidence.service_id != application.service_id:
        raise ValidationError(_("Dieser Nachweis gehört nicht zu dieser Leistung."))
    max_files = int(getattr(settings, "EVIDENCE_MAX_FILES_PER_APPLICATION", 20))
    if application.uploads.count() >= max_files:
        raise ValidationError(_("Sie können höchstens %(n)d Dateien hochladen.") % {"n": max_files})
    sniffed = sniff_upload(uploaded)
    with transaction.atomic():
        _lock_draft(application)
        if application.uploads.count() >= max_files:
            raise ValidationError(_("Sie können höchstens %(n)d Dateien hochladen.") % {"n": max_files})
        document = document_store(content=sniffed.content, filename=sniffed.filename,
                                  content_type=sniffed.content_type,
                                  title=f"{evidence.name_de if evidence else 'Nachweis'}: {sniffed.filename}",
                                  owner_user=user, actor=user)
        upload = EvidenceUpload.objects.create(application=application, evidence=evidence, document=document)
        audit_log(actor=user, action="applications.evidence_uploaded", subject=application, data_subject=user,
                  data={"evidence": evidence.pk if evidence else None, "document": document.pk,
                        "content_type": sniffed.content_type, "size": len(sniffed.content)})
    return upload


def _lock_draft(application: Application) -> Application:
    """Lock the draft row and re-check it is still a draft (a submit may have won)."""
    locked = lock_rows(Application.objects.filter(pk=application.pk))
    if not locked or locked[0].status != Application.Status.DRAFT:
        raise ValidationError(_("Dieser Antrag wurde bereits eingereicht und kann nicht mehr geändert werden."))
    return locked[0]


def _delete_files_on_commit(documents) -> None:
    """Files go only once the rows are gone for good (a rollback keeps both)."""
    files = [(d.file.storage, d.file.name) for d in documents if d.file]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def application_remove_upload(*, upload: EvidenceUpload, user: Any) -> None:
    _draft(upload.application, user)
    with transaction.atomic():
        _lock_draft(upload.application)
        document = upload.document
        upload.delete()
        _delete_files_on_commit([document])
        document.delete()
        audit_log(actor=user, action="applications.evidence_removed", subject=upload.application, data_subject=user)


def application_send_resume_link(*, application: Application, user: Any) -> None:
    from digitalstadt.core.urls_helpers import absolute_url
    from digitalstadt.mailbox.services import outbox_enqueue_template

    _draft(application, user)
    with translation.override(user.language):
        link = absolute_url("applications:resume", kwargs={"uuid": application.uuid})
    with transaction.atomic():
        outbox_enqueue_template(
            to=user.email, template_prefix="applications/email/resume",
            context={"user": user, "application": application, "service_name": application.service.name,
                     "link": link, "platform_name": settings.PLATFORM_NAME},
            language=user.language, purpose="applications:resume",
        )
        audit_log(actor=user, action="applications.resume_link_sent", subject=application, data_subject=user)


def application_discard(*, application: Application, user: Any) -> None:
    _draft(application, user)
    with transaction.atomic():
        _lock_draft(application)
        documents = [u.document for u in application.uploads.select_related("document")]
        _delete_files_on_commit(documents)
        application.uploads.all().delete()
        for document in documents:
            document.delete()
        audit_log(actor=user, action="applications.draft_discarded", subject=application, data_subject=user)
        application.delete()
