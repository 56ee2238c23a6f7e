"""Evidence files: accepted by their content, not by their name or the browser's claim.

PDF, JPEG and PNG only, recognised by their first bytes; the size limit is a setting.
Files are stored through `core.services.document_store` (private storage, generated
names); the original name is kept only as a field.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
]


def max_upload_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


@dataclass(frozen=True)
class SniffedFile:
    content: bytes
    content_type: str
    filename: str


def sniff_upload(uploaded) -> SniffedFile:
    """Read an UploadedFile and check size and type; ValidationError in the user's language."""
    limit = max_upload_bytes()
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(_("Die Datei ist zu groß (höchstens %(limit)s).") % {"limit": filesizeformat(limit)})
    content = uploaded.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("Die Datei ist zu groß (höchstens %(limit)s).") % {"limit": filesizeformat(limit)})
    if not content:
        raise ValidationError(_("Die Datei ist leer."))
    for magic, content_type, extension in SIGNATURES:
        if content.startswith(magic):
            break
    else:
        raise ValidationError(_("Bitte laden Sie eine PDF-, JPEG- oder PNG-Datei hoch. "
                                "Diese Datei hat ein anderes Format."))
    name = (uploaded.name or "nachweis").replace("\\", "/").rsplit("/", 1)[-1][:200]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return SniffedFile(content=content, content_type=content_type, filename=f"{stem}{extension}")
