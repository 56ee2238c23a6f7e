"""Core services: private documents, sealed documents and accessibility feedback."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from .audit import audit_log
from .models import AccessibilityFeedback, Document


def document_store(
    *,
    content: bytes,
    filename: str,
    content_type: str,
    title: str,
    owner_user: Any = None,
    owner_organisation: Any = None,
    actor: Any = None,
) -> Document:
    """Store bytes privately under a generated name with their SHA-256."""
    with transaction.atomic():
        document = Document(
            owner_user=owner_user,
            owner_organisation=owner_organisation,
            filename=filename[:255],
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            title=title[:255],
            created_at=timezone.now(),
        )
        document.file.save(document.uuid.hex, ContentFile(content), save=False)
        document.save()
        audit_log(actor=actor, system="documents", action="document.stored", subject=document,
                  data_subject=owner_user)
    return document


def new_verification_id() -> str:
    """24 characters of base32 (120 random bits): unguessable, and easy to type from
    paper (no 0/1/8/9 to confuse with letters)."""
    return base64.b32encode(secrets.token_bytes(15)).decode()


def verification_id_display(verification_id: str) -> str:
    return "-".join(verification_id[i:i + 4] for i in range(0, len(verification_id), 4))


def verification_url(verification_id: str) -> str:
    """The public verification page in German (the language of the document)."""
    with translation.override("de"):
        path = reverse("core:verify", kwargs={"verification_id": verification_id})
    return settings.SITE_URL + path


def signed_document_issue(
    *,
    template_name: str,
    context: dict,
    filename: str,
    title: str,
    document_type: str,
    issuing_office: str,
    owner_user: Any = None,
    owner_organisation: Any = None,
    actor: Any = None,
    reason: str = "",
) -> Document:
    """Render a template to PDF with a verification QR code, seal it (PAdES), store it.

    `document_type` and `issuing_office` are shown on the public verification page, so
    they must not contain personal data ("Bescheid", "Bürger- und Ordnungsamt").
    """
    from .pdf import render_pdf
    from .signing import sign_pdf

    verification_id = new_verification_id()
    url = verification_url(verification_id)
    pdf = render_pdf(template_name, {
        **context,
        "city_name": settings.CITY_NAME,
        "platform_name": settings.PLATFORM_NAME,
        "verification_id": verification_id,
        "verification_id_display": verification_id_display(verification_id),
        "verification_url": url,
        "verification_host": urlsplit(url).netloc,
    })
    signed = sign_pdf(pdf, reason=reason or document_type, location=settings.CITY_NAME)
    with transaction.atomic():
        document = document_store(
            content=signed, filename=filename, content_type="application/pdf", title=title,
            owner_user=owner_user, owner_organisation=owner_organisation, actor=actor,
        )
        document.verification_id = verification_id
        document.document_type = document_type[:100]
        document.issuing_office = issuing_office[:200]
        document.signed_at = timezone.now()
        document.save(update_fields=["verification_id", "document_type", "issuing_office", "signed_at"])
        audit_log(actor=actor, system="documents", action="document.sealed", subject=document,
                  data_subject=owner_user, data={"document_type": document.document_type})
    return document


def signed_document_revoke(*, document: Document, actor: Any, reason: str = "") -> Document:
    """Mark a sealed document as revoked: the verification page then says so."""
    with transaction.atomic():
        updated = Document.objects.filter(pk=document.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        document.refresh_from_db(fields=["revoked_at"])
        if updated:
            audit_log(actor=actor, action="document.revoked", subject=document,
                      data_subject=document.owner_user, data={"reason": reason[:500]})
    return document


def document_can_read(*, user: Any, document: Document) -> bool:
    """Owner, a member of the owning organisation, or a platform admin. Later apps
    (case work) extend this through the `document_access_checks` registry."""
    if not user.is_authenticated:
        return False
    if document.owner_user_id == user.pk:
        return True
    if document.owner_organisation_id and user.memberships.filter(
        organisation_id=document.owner_organisation_id
    ).exists():
        return True
    from .registry import document_access_checks

    return any(check(user=user, document=document) for check in document_access_checks.all())


def document_open(*, user: Any, document: Document, ip_address: str | None = None) -> Document:
    """Permission check, then record legal delivery (first opened by the addressee) and
    log reads by anyone other than the owner (staff reads of personal data)."""
    if not document_can_read(user=user, document=document):
        raise PermissionDenied
    is_addressee = document.owner_user_id == user.pk or (
        document.owner_organisation_id
        and user.memberships.filter(organisation_id=document.owner_organisation_id).exists()
    )
    with transaction.atomic():
        if is_addressee and document.first_opened_at is None and document.made_available_at is not None:
            Document.objects.filter(pk=document.pk, first_opened_at__isnull=True).update(
                first_opened_at=timezone.now()
            )
            audit_log(actor=user, action="document.first_opened", subject=document, ip_address=ip_address)
        elif not is_addressee:
            audit_log(actor=user, action="document.read_by_staff", subject=document,
                      data_subject=document.owner_user, ip_address=ip_address)
    return document


def document_open_for_staff(*, user: Any, document: Document, ip_address: str | None = None) -> Document:
    """A staff member opens a document the CALLER has checked they may read (e.g. a
    case worker on a case of their office, on a page behind staff MFA): logged as a
    staff read of personal data."""
    audit_log(actor=user, action="document.read_by_staff", subject=document, data_subject=document.owner_user,
              ip_address=ip_address)
    return document


def accessibility_feedback_submit(*, message: str, page_url: str, email: str, user: Any) -> AccessibilityFeedback:
    from .registry import capabilities

    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(
            message=message, page_url=page_url[:500], email=email,
            user=user if user is not None and user.is_authenticated else None,
        )
        for address in capabilities.call("platform_admin_emails"):
            capabilities.call(
                "send_email",
                to=address,
                subject=f"[{settings.PLATFORM_NAME}] Rückmeldung Barrierefreiheit #{feedback.pk}",
                body_text=(
                    f"Neue Rückmeldung zur Barrierefreiheit (Nr. {feedback.pk}).\n"
                    f"Seite: {page_url or '-'}\n\n{message}\n\n"
                    f"Rückfragen an: {email or '(keine Angabe)'}\n"
                    f"{settings.SITE_URL}/verwaltung/barrierefreiheit/\n"
                ),
                purpose="core:accessibility_feedback",
            )
        audit_log(actor=user, system="public", action="accessibility_feedback.received", subject=feedback)
    return feedback
