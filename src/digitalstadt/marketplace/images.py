"""Product images from the shops' feeds: fetched over HTTP(S), sniffed by content (Pillow
must open it as JPEG, PNG or WebP, whatever the server calls it), kept as the original
and a WebP thumbnail. A bad image sets `ProductImage.error` and never raises."""

from __future__ import annotations

import io
import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .models import ProductImage

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
TIMEOUT_SECONDS = 10


class ImageRefused(ValueError):
    pass


def _check_host(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImageRefused(_("Nur http- und https-Adressen."))
    if getattr(settings, "MARKETPLACE_IMAGE_ALLOW_PRIVATE_HOSTS", False):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except OSError:
        raise ImageRefused(_("Der Server des Bildes ist nicht erreichbar.")) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ImageRefused(_("Bilder aus privaten Netzen werden nicht geladen."))


def fetch_bytes(url: str) -> bytes:
    _check_host(url)
    limit = settings.MARKETPLACE_IMAGE_MAX_BYTES
    request = urllib.request.Request(url, headers={"User-Agent": "Digitalstadt-Marktplatz/1 (Produktbilder)"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise ImageRefused(_("Das Bild ist größer als %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise ImageRefused(_("Der Server antwortete mit %(status)s.") % {"status": exc.code}) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ImageRefused(_("Das Bild konnte nicht geladen werden (%(error)s).") % {"error": exc}) from None
    if len(data) > limit:
        raise ImageRefused(_("Das Bild ist größer als %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    return data


def process_image_bytes(image: ProductImage, data: bytes) -> None:
    """Sniff, keep the original and write the thumbnail (also for uploaded images)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ALLOWED_FORMATS:
            raise ImageRefused(_("Nur JPEG, PNG oder WebP (nicht %(kind)s).") % {"kind": kind})
        with Image.open(io.BytesIO(data)) as picture:
            if picture.width * picture.height > 50_000_000:
                raise ImageRefused(_("Das Bild hat zu viele Bildpunkte."))
            picture.load()
            thumb = picture.convert("RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB")
            size = settings.MARKETPLACE_IMAGE_THUMBNAIL_PX
            thumb.thumbnail((size, size))
            out = io.BytesIO()
            thumb.save(out, "WEBP", quality=80)
    except ImageRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRefused(_("Die Datei ist kein lesbares Bild.")) from None
    stem = f"{image.organisation_id}-{image.product_id}-{image.pk}"
    image.original.save(f"{stem}.{ALLOWED_FORMATS[kind]}", ContentFile(data), save=False)
    image.thumbnail.save(f"{stem}-{size}.webp", ContentFile(out.getvalue()), save=False)
    image.error = ""


def product_image_fetch(*, image_id: int) -> str:
    """Fetch one image; returns "ok", "error" or "gone". Safe to run twice (an image
    that has its original already is not fetched again)."""
    image = ProductImage.unscoped_objects.filter(pk=image_id).first()  # a job: no shop scope
    if image is None:
        return "gone"
    if image.original:
        return "ok"
    try:
        process_image_bytes(image, fetch_bytes(image.source_url))
    except ImageRefused as exc:
        image.error = str(exc)[:200]
        image.save(update_fields=["error"])
        return "error"
    image.save(update_fields=["original", "thumbnail", "error"])
    return "ok"
