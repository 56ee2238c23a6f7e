"""Writes of the shops part: onboarding, profile, opening hours, closures, position,
submission, manual products, and the platform staff's verification.

Object-level checks live here: a member's role on the shop's organisation decides
(profile: owner/admin; products: owner/admin/sales); verification needs the staff role
"marketplace" or platform administration.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from digitalstadt.core.audit import audit_log
from digitalstadt.core.geocoding import geocode
from digitalstadt.core.locking import lock_one
from digitalstadt.core.scoping import organisation_scope

from . import stock
from .models import Category, Product, Shop, ShopClosure, ShopOpeningHours, ShopStatus, Variant, VatRate
from .shop_selectors import (
    PRODUCT_ROLES,
    PROFILE_ROLES,
    member_role,
    shop_checklist,
    shop_members_to_inform,
    user_may_verify_shops,
)

# Slugs that are paths of the shop's own pages (/mein-geschaeft/<slug>/...).
RESERVED_SLUGS = {"anlegen", "neu", "import", "bestellungen"}
VAT_ID = re.compile(r"^DE\d{9}$")
# German tax numbers: 10 to 13 digits, usually written with slashes (12/345/67890).
TAX_NUMBER = re.compile(r"^\d{2,3}/?\d{3,4}/?\d{4,5}$|^\d{10,13}$")

PROFILE_FIELDS = ("description", "phone", "email", "website", "pickup_instructions", "pickup_slot_minutes",
                  "pickup_slot_capacity", "pickup_lead_minutes", "pickup_days_ahead", "reservation_hours",
                  "imprint", "terms", "withdrawal_policy", "vat_id", "tax_number", "small_business", "legal_form",
                  "owner_name", "street", "postal_code", "city", "name")


def normalise_vat_id(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def check_vat_id(value: str) -> str:
    value = normalise_vat_id(value)
    if value and not VAT_ID.fullmatch(value):
        raise ValidationError(_("Eine deutsche Umsatzsteuer-ID besteht aus „DE“ und 9 Ziffern, z. B. DE123456789."),
                              code="vat_id")
    return value


def check_tax_number(value: str) -> str:
    value = re.sub(r"\s", "", value or "")
    if value and not TAX_NUMBER.fullmatch(value):
        raise ValidationError(_("Bitte geben Sie die Steuernummer wie auf dem Bescheid des Finanzamts an, "
                                "z. B. 007/123/45678."), code="tax_number")
    return value


def _require_role(actor: Any, shop: Shop, roles) -> None:
    if member_role(user=actor, shop=shop) not in roles:
        raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung in diesem Geschäft."))


def _unique_shop_slug(name: str) -> str:
    base = slugify(name)[:70] or "geschaeft"
    if base in RESERVED_SLUGS:
        base = f"{base}-laden"
    slug, n = base, 2
    while Shop.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _locate(*, street: str, postal_code: str, city: str):
    """The geocoder's position of an address. Called before a transaction opens: a remote
    geocoder may take seconds, and no row lock should wait for it."""
    from digitalstadt.core.geocoding import split_street

    name, number = split_street(street)
    return geocode(street=name, house_number=number, postal_code=postal_code, city=city)


def _apply_position(shop: Shop, found) -> None:
    if found is None:
        return
    shop.latitude, shop.longitude, shop.position_source = found.latitude, found.longitude, found.source
    if found.district:
        shop.district = found.district


# --- onboarding -------------------------------------------------------------------------


def shop_create(*, actor: Any, name: str, street: str, postal_code: str, city: str = "Darmstadt",
                legal_form: str = "", owner_name: str = "", business_registration: str = "") -> Shop:
    """The person creates a shop: an organisation of kind shop (they are its owner) and
    the shop profile as a draft. `business_registration` names an approved
    Gewerbeanmeldung of this person (once-only: the data came from there)."""
    from digitalstadt.accounts.services import organisation_create
    from digitalstadt.applications.selectors import registered_businesses_of

    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Bitte geben Sie den Namen des Geschäfts an."))
    if not (street or "").strip() or not re.fullmatch(r"\d{5}", (postal_code or "").strip()):
        raise ValidationError(_("Bitte geben Sie Straße, Hausnummer und eine fünfstellige Postleitzahl an."))
    if business_registration and business_registration not in {
            b["reference"] for b in registered_businesses_of(user=actor)}:
        raise PermissionDenied(_("Diese Gewerbeanmeldung gehört nicht zu Ihrem Konto."))
    found = _locate(street=street, postal_code=postal_code.strip(), city=city or "Darmstadt")
    with transaction.atomic():
        organisation = organisation_create(actor=actor, name=name, kind="shop", email=actor.email,
                                           street=street.strip(), postal_code=postal_code.strip(),
                                           city=city or "Darmstadt")
        shop = Shop(organisation=organisation, slug=_unique_shop_slug(name), name=name, street=street.strip(),
                    postal_code=postal_code.strip(), city=(city or "Darmstadt").strip(), legal_form=legal_form,
                    owner_name=owner_name, email=actor.email, business_registration=business_registration)
        _apply_position(shop, found)
        shop.save()
        audit_log(actor=actor, action="marketplace.shop_created", subject=shop,
                  data={"organisation": organisation.pk, "business_registration": business_registration})
    return shop


def _back_to_draft_if_submitted(shop: Shop) -> None:
    # A submitted shop that changes goes back to draft (the review saw the old data);
    # a live shop stays live (the staff may suspend it).
    if shop.status == ShopStatus.SUBMITTED:
        shop.status = ShopStatus.DRAFT
        shop.submitted_at = None


def shop_update_profile(*, actor: Any, shop: Shop, data: dict[str, Any], categories: Iterable[Category] | None = None,
                        logo: Any = None, remove_logo: bool = False) -> Shop:
    _require_role(actor, shop, PROFILE_ROLES)
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"unknown fields: {sorted(unknown)}")
    if "vat_id" in data:
        data["vat_id"] = check_vat_id(data["vat_id"])
    if "tax_number" in data:
        data["tax_number"] = check_tax_number(data["tax_number"])
    address = (data.get("street", shop.street), data.get("postal_code", shop.postal_code), data.get("city", shop.city))
    found = None
    if address != (shop.street, shop.postal_code, shop.city) and shop.position_source != "manual":
        found = _locate(street=address[0], postal_code=address[1], city=address[2])
    with transaction.atomic():
        locked = lock_one(Shop.objects.filter(pk=shop.pk))
        address_before = (locked.street, locked.postal_code, locked.city)
        changed = sorted(key for key, value in data.items() if getattr(locked, key) != value)
        for key, value in data.items():
            setattr(locked, key, value)
        if (locked.street, locked.postal_code, locked.city) != address_before and locked.position_source != "manual":
            _apply_position(locked, found)
        if remove_logo and locked.logo:
            locked.logo.delete(save=False)
            changed.append("logo")
        if logo is not None:
            locked.logo.save(f"{locked.slug}{_logo_suffix(logo)}", logo, save=False)
            changed.append("logo")
        if changed:
            _back_to_draft_if_submitted(locked)
        locked.save()
        if categories is not None:
            before = set(locked.categories.values_list("pk", flat=True))
            locked.categories.set(list(categories))
            if before != set(locked.categories.values_list("pk", flat=True)):
                changed.append("categories")
        if {"name", "district", "categories"} & set(changed):
            _reindex_shop(locked)
        audit_log(actor=actor, action="marketplace.shop_changed", subject=locked, data={"fields": changed})
    return locked


def _logo_suffix(upload: Any) -> str:
    name = getattr(upload, "name", "") or ""
    return {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".webp": ".webp"}.get(
        name[name.rfind("."):].lower() if "." in name else "", ".png")


def shop_set_opening_hours(*, actor: Any, shop: Shop, rows: Iterable[tuple[int, dt.time, dt.time]]) -> int:
    """Replace the weekly opening hours by `rows` (weekday, opens, closes)."""
    _require_role(actor, shop, PROFILE_ROLES)
    rows = sorted(set(rows))
    for weekday, opens, closes in rows:
        if not 0 <= weekday <= 6 or opens >= closes:
            raise ValidationError(_("Die Öffnungszeit muss vor der Schließzeit liegen."))
    for (day_a, _o, close_a), (day_b, open_b, _c) in zip(rows, rows[1:], strict=False):
        if day_a == day_b and open_b < close_a:
            raise ValidationError(_("Zwei Öffnungszeiten eines Tages überschneiden sich."))
    with transaction.atomic():
        lock_one(Shop.objects.filter(pk=shop.pk))
        ShopOpeningHours.objects.filter(shop=shop).delete()
        ShopOpeningHours.objects.bulk_create(
            [ShopOpeningHours(shop=shop, weekday=d, opens=o, closes=c) for d, o, c in rows])
        audit_log(actor=actor, action="marketplace.shop_changed", subject=shop,
                  data={"fields": ["opening_hours"], "rows": len(rows)})
    return len(rows)


def shop_add_closure(*, actor: Any, shop: Shop, date: dt.date, reason: str = "") -> ShopClosure:
    _require_role(actor, shop, PROFILE_ROLES)
    if date < timezone.localdate():
        raise ValidationError(_("Ein Schließtag kann nicht in der Vergangenheit liegen."))
    with transaction.atomic():
        closure, created = ShopClosure.objects.get_or_create(shop=shop, date=date, defaults={"reason": reason[:200]})
        if not created:
            raise ValidationError(_("Für diesen Tag ist schon ein Schließtag eingetragen."))
        audit_log(actor=actor, action="marketplace.shop_changed", subject=shop,
                  data={"fields": ["closures"], "added": date.isoformat()})
    return closure


def shop_remove_closure(*, actor: Any, shop: Shop, closure_id: int) -> None:
    _require_role(actor, shop, PROFILE_ROLES)
    with transaction.atomic():
        deleted, _rows = ShopClosure.objects.filter(shop=shop, pk=closure_id).delete()
        if deleted:
            audit_log(actor=actor, action="marketplace.shop_changed", subject=shop,
                      data={"fields": ["closures"], "removed": closure_id})


def shop_set_position(*, actor: Any, shop: Shop, latitude: Decimal | None = None,
                      longitude: Decimal | None = None) -> Shop:
    """A manual position (both given) or the geocoder's (neither given)."""
    _require_role(actor, shop, PROFILE_ROLES)
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Bitte geben Sie Breiten- und Längengrad an."))
    if latitude is not None and not (Decimal(47) <= latitude <= Decimal(55) and Decimal(5) <= longitude <= Decimal(16)):
        raise ValidationError(_("Diese Position liegt nicht in Deutschland."))
    found = _locate(street=shop.street, postal_code=shop.postal_code, city=shop.city) if latitude is None else None
    with transaction.atomic():
        locked = lock_one(Shop.objects.filter(pk=shop.pk))
        if latitude is None:
            locked.latitude = locked.longitude = None
            locked.position_source = ""
            _apply_position(locked, found)
            if locked.latitude is None:
                raise ValidationError(_("Die Anschrift wurde nicht gefunden. Bitte prüfen Sie die Straße oder geben "
                                        "Sie die Position von Hand an."))
        else:
            locked.latitude, locked.longitude = latitude.quantize(Decimal("0.000001")), longitude.quantize(
                Decimal("0.000001"))
            locked.position_source = "manual"
        _back_to_draft_if_submitted(locked)
        locked.save()
        audit_log(actor=actor, action="marketplace.shop_changed", subject=locked,
                  data={"fields": ["position"], "source": locked.position_source})
    return locked


def shop_submit(*, actor: Any, shop: Shop) -> Shop:
    _require_role(actor, shop, PROFILE_ROLES)
    with transaction.atomic():
        locked = lock_one(Shop.objects.filter(pk=shop.pk))
        if locked.status not in (ShopStatus.DRAFT, ShopStatus.SUSPENDED):
            raise ValidationError(_("Das Geschäft ist schon eingereicht oder freigeschaltet."))
        missing = [str(item.label) for item in shop_checklist(shop=locked) if not item.done]
        if missing:
            raise ValidationError(_("Es fehlt noch: %(missing)s.") % {"missing": ", ".join(missing)})
        locked.status = ShopStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at"])
        audit_log(actor=actor, action="marketplace.shop_submitted", subject=locked)
    return locked


# --- manual products ----------------------------------------------------------------------


def product_save(*, actor: Any, shop: Shop, title: str, price_cents: int, vat_rate: int, on_hand: int, sku: str,
                 description: str = "", gtin: str = "", active: bool = True, product: Product | None = None) -> Product:
    """Create a product with one variant, or change a product and its first variant."""
    _require_role(actor, shop, PRODUCT_ROLES)
    title = " ".join((title or "").split())
    sku = (sku or "").strip()
    if not title or not sku:
        raise ValidationError(_("Bitte geben Sie Titel und Artikelnummer an."))
    if vat_rate not in VatRate.values:
        raise ValidationError(_("Bitte wählen Sie einen Umsatzsteuersatz."))
    if not 0 < price_cents <= 10_000_000 or not 0 <= on_hand <= 1_000_000:
        raise ValidationError(_("Bitte prüfen Sie Preis und Bestand."))
    with transaction.atomic(), organisation_scope(shop.organisation):
        if product is not None and product.shop_id != shop.pk:
            raise PermissionDenied
        clash = Variant.objects.filter(sku=sku)
        if product is not None:
            clash = clash.exclude(product=product)
        if clash.exists():
            raise ValidationError(_("Diese Artikelnummer (SKU) gibt es in Ihrem Geschäft schon."))
        if product is None:
            product = Product.objects.create(organisation=shop.organisation, shop=shop, title=title,
                                             description=description, vat_rate=vat_rate, active=active)
            Variant.objects.create(organisation=shop.organisation, product=product, sku=sku, gtin=gtin,
                                   price_cents=price_cents, on_hand=on_hand, stock_updated_at=timezone.now())
        else:
            product = lock_one(Product.objects.filter(pk=product.pk))
            product.title, product.description, product.vat_rate, product.active = title, description, vat_rate, active
            product.save()
            variant = Variant.objects.filter(product=product).order_by("pk").first()
            if variant is None:
                Variant.objects.create(organisation=shop.organisation, product=product, sku=sku, gtin=gtin,
                                       price_cents=price_cents, on_hand=on_hand, stock_updated_at=timezone.now())
            else:
                Variant.objects.filter(pk=variant.pk).update(sku=sku, gtin=gtin, price_cents=price_cents)
                if variant.on_hand != on_hand:
                    stock.report_on_hand(variant_id=variant.pk, on_hand=on_hand)
        audit_log(actor=actor, action="marketplace.product_saved", subject=product,
                  data={"shop": shop.pk, "sku": sku, "price_cents": price_cents, "on_hand": on_hand})
    _reindex([product.pk])
    return product


def _reindex(product_ids: list[int]) -> None:
    from .search_index import index_products

    index_products(product_ids=product_ids)


def _reindex_shop(shop: Shop) -> None:
    """A shop's status, name or district changed: its products enter or leave the search
    (the index holds live shops only) or show the new name."""
    from .models import Product

    transaction.on_commit(lambda: _reindex(list(Product.unscoped_objects.filter(shop=shop)
                                                .values_list("pk", flat=True))))


# --- platform staff: verification ------------------------------------------------------------


def _require_verifier(actor: Any) -> None:
    if not user_may_verify_shops(user=actor):
        raise PermissionDenied(_("Nur die Marktplatz-Prüfung darf Geschäfte freischalten."))


# What the owners are told, in each recipient's language (the Postfach message in the
# platform's language, German).
NOTICES = {
    "approved": (gettext_noop("Ihr Geschäft „%(name)s“ ist freigeschaltet"),
                 gettext_noop("Guten Tag,\n\ndas Geschäft „%(name)s“ wurde geprüft und ist jetzt im Marktplatz "
                              "sichtbar.")),
    "rejected": (gettext_noop("Ihr Geschäft „%(name)s“: bitte nachbessern"),
                 gettext_noop("Guten Tag,\n\ndie Prüfung des Geschäfts „%(name)s“ hat ergeben, dass noch etwas "
                              "fehlt:\n\n%(note)s\n\nBitte ergänzen Sie das Profil und reichen Sie es erneut ein.")),
    "suspended": (gettext_noop("Ihr Geschäft „%(name)s“ ist gesperrt"),
                  gettext_noop("Guten Tag,\n\ndas Geschäft „%(name)s“ ist im Marktplatz vorerst nicht mehr "
                               "sichtbar. Grund:\n\n%(note)s\n\nBitte wenden Sie sich an die "
                               "Wirtschaftsförderung.")),
}


def _inform_owners(*, shop: Shop, notice: str, actor: Any, note: str = "") -> None:
    """A message to the shop's Postfach (the mailbox e-mails every member that there is
    one) and an e-mail with the gist to the owners and admins, each in their language."""
    from digitalstadt.mailbox.services import message_send, outbox_enqueue

    subject, body = NOTICES[notice]
    values = {"name": shop.name, "note": note}
    with translation.override(settings.LANGUAGE_CODE):
        message_send(recipient_organisation=shop.organisation, sender_name=_("Marktplatz Darmstadt"),
                     subject=_(subject) % values, body=_(body) % values, regarding=shop.slug, actor=actor)
    for person in shop_members_to_inform(shop=shop):
        with translation.override(person.language or settings.LANGUAGE_CODE):
            outbox_enqueue(to=person.email, subject=f"{settings.PLATFORM_NAME}: {_(subject) % values}",
                           body_text=(f"{_(body) % values}\n\n"
                                      f"{_('Die Nachricht liegt auch im Postfach Ihres Geschäfts.')}\n"),
                           purpose="marketplace:shop_review")


def shop_approve(*, actor: Any, shop: Shop) -> Shop:
    _require_verifier(actor)
    with transaction.atomic():
        locked = lock_one(Shop.objects.filter(pk=shop.pk))
        if locked.status != ShopStatus.SUBMITTED:
            raise ValidationError(_("Nur eingereichte Geschäfte können freigeschaltet werden."))
        if locked.organisation.memberships.filter(user=actor).exists():
            raise PermissionDenied(_("Das eigene Geschäft prüft jemand anderes."))
        locked.status = ShopStatus.LIVE
        locked.verified_at = timezone.now()
        locked.verified_by = actor
        locked.review_note = ""
        locked.save(update_fields=["status", "verified_at", "verified_by", "review_note"])
        _reindex_shop(locked)
        audit_log(actor=actor, action="marketplace.shop_verified", subject=locked)
        _inform_owners(shop=locked, actor=actor, notice="approved")
    return locked


def shop_reject(*, actor: Any, shop: Shop, note: str) -> Shop:
    _require_verifier(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Bitte schreiben Sie, was das Geschäft ändern muss."))
    with transaction.atomic():
        locked = lock_one(Shop.objects.filter(pk=shop.pk))
        if locked.status != ShopStatus.SUBMITTED:
            raise ValidationError(_("Nur eingereichte Geschäfte können zurückgewiesen werden."))
        locked.status = ShopStatus.DRAFT
        locked.submitted_at = None
        locked.review_note = note[:2000]
        locked.save(update_fields=["status", "submitted_at", "review_note"])
        audit_log(actor=actor, action="marketplace.shop_rejected", subject=locked, data={"note": note[:2000]})
        _inform_owners(shop=locked, actor=actor, notice="rejected", note=note)
    return locked


def shop_suspend(*, actor: Any, shop: Shop, note: str) -> Shop:
    _require_verifier(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Bitte geben Sie den Grund der Sperre an."))
    with transaction.atomic():
        locked = lock_one(Shop.objects.filter(pk=shop.pk))
        if locked.status != ShopStatus.LIVE:
            raise ValidationError(_("Nur freigeschaltete Geschäfte können gesperrt werden."))
        locked.status = ShopStatus.SUSPENDED
        locked.review_note = note[:2000]
        locked.save(update_fields=["status", "review_note"])
        _reindex_shop(locked)
        audit_log(actor=actor, action="marketplace.shop_suspended", subject=locked, data={"note": note[:2000]})
        _inform_owners(shop=locked, actor=actor, notice="suspended", note=note)
    return locked
