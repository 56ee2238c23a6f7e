"""Getting a shop's assortment in without typing: bulk upsert of products and variants
(from a CSV/TSV file, a Google Merchant feed or the till's API), the import batches that
hold an uploaded file between upload, mapping, preview and import, and stock and price
updates by SKU or GTIN.

Rows are keyed on the SKU (unique per shop); a row without SKU is matched by its GTIN,
and a new variant without SKU takes the GTIN as its SKU. Each call is one transaction
with a constant number of queries per chunk of rows (bulk_create / bulk_update), not a
few per product. Stock follows `marketplace.stock.report_on_hand`: the variants whose
stock changes are taken under the locking helper, and a report below the reserved
units is refused for that row with the reason, while the rest of the row is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.accounts.selectors import membership_for
from digitalstadt.accounts.types import OrgRole
from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows
from digitalstadt.core.scoping import organisation_scope

from . import import_parsing as parsing
from .models import Category, ImportBatch, ImportStatus, Product, ProductImage, Shop, Variant
from .stock import BelowReserved

__all__ = ["IMPORT_ROLES", "ItemResult", "UpsertResult", "can_import", "import_batch_confirm",
           "import_batch_create", "import_batch_map", "import_batch_preview", "product_image_upload", "products_upsert",
           "stock_update"]

IMPORT_ROLES = {OrgRole.OWNER, OrgRole.ADMIN, OrgRole.SALES}
STOCK_SCOPE = "marketplace:stock:write"
CHUNK = 500  # rows per query (SQLite's bound-parameter limit, PostgreSQL's plan size)
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
PRODUCT_FIELDS = ("title", "description", "brand", "category", "vat_rate", "shippable", "net_quantity", "base_unit")
VARIANT_FIELDS = ("gtin", "size", "colour", "price_cents")


@dataclass
class ItemResult:
    row: int  # 1-based: the line in the file (header = 1) or the item's position in the API call
    sku: str = ""
    status: str = "error"  # created, updated, error
    product_id: int | None = None
    variant_id: int | None = None
    # [{"column": our field, "message": ..., "code": "below_reserved" for a refused stock report}]
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    failed: int = 0
    items: list[ItemResult] = field(default_factory=list)

    @property
    def errors(self) -> list[ItemResult]:
        return [item for item in self.items if item.errors]

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "failed": self.failed,
                "with_errors": len(self.errors)}


# --- who may import --------------------------------------------------------------------------

def _is_token(actor: Any) -> bool:
    return hasattr(actor, "token_hash")


def can_import(*, actor: Any, organisation: Any) -> bool:
    """Owners, admins and sales staff of the shop's organisation; or an organisation
    API token of that organisation with the scope marketplace:stock:write."""
    if actor is None:
        return False
    if _is_token(actor):
        return actor.organisation_id == organisation.pk and STOCK_SCOPE in (actor.scopes or [])
    membership = membership_for(user=actor, organisation=organisation)
    return membership is not None and membership.role in IMPORT_ROLES


def _require_import(actor: Any, organisation: Any) -> None:
    if not can_import(actor=actor, organisation=organisation):
        raise PermissionDenied(_("Nur Inhaber/innen, Administration und Verkauf dieses Geschäfts dürfen "
                                 "Produkte importieren."))


def _audit_actor(actor: Any) -> dict[str, Any]:
    if _is_token(actor):
        return {"actor": None, "system": f"api-token:{actor.prefix}"}
    return {"actor": actor}


# --- the upsert ------------------------------------------------------------------------------

def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _categories() -> tuple[dict[str, Category], dict[str, Category]]:
    categories = list(Category.objects.all())
    by_slug = {c.slug.lower(): c for c in categories}
    by_name = {}
    for c in categories:
        for name in (c.name_de, c.name_en):
            if name:
                by_name[name.strip().lower()] = c
    return by_slug, by_name


def _existing_variants(organisation, skus: set[str], gtins: set[str]) -> tuple[dict[str, Variant], dict[str, Variant]]:
    by_sku: dict[str, Variant] = {}
    by_gtin: dict[str, Variant] = {}
    keys = [("sku", s) for s in skus] + [("gtin", g) for g in gtins]
    for chunk in _chunks(keys):
        query = Q()
        sku_part = [v for k, v in chunk if k == "sku"]
        gtin_part = [v for k, v in chunk if k == "gtin"]
        if sku_part:
            query |= Q(sku__in=sku_part)
        if gtin_part:
            query |= Q(gtin__in=gtin_part)
        for variant in Variant.objects.filter(query).select_related("product"):
            by_sku[variant.sku] = variant
            if variant.gtin:
                by_gtin.setdefault(variant.gtin, variant)
    return by_sku, by_gtin


def validate_rows(*, organisation, rows: Sequence[dict[str, Any]], first_row: int = 2,
                  create: bool = True, lock: bool = False) -> tuple[list[tuple[ItemResult, dict, Variant | None]],
                                                                   UpsertResult]:
    """Clean every row and match it to an existing variant; nothing is written. Returns
    (item, data, variant or None) per row and a result that counts rows with errors.
    With `lock`, the matched variants are taken under the locking helper (the caller's
    transaction) so the below-reserved check holds until the write."""
    result = UpsertResult()
    cleaned = []
    for offset, row in enumerate(rows):
        data, errors = parsing.clean_row(row)
        item = ItemResult(row=first_row + offset, sku=data.get("sku") or data.get("gtin") or "",
                          errors=[{"column": e.column, "message": e.message} for e in errors])
        cleaned.append((item, data))
    skus = {d["sku"] for _i, d in cleaned if d.get("sku")}
    gtins = {d["gtin"] for _i, d in cleaned if d.get("gtin") and not d.get("sku")}
    by_sku, by_gtin = _existing_variants(organisation, skus | gtins, gtins)
    if lock and by_sku:
        locked = {v.pk: v for chunk in _chunks(sorted({v.pk for v in by_sku.values()}))
                  for v in lock_rows(Variant.objects.filter(pk__in=list(chunk)))}
        for variant in list(by_sku.values()) + list(by_gtin.values()):
            fresh = locked.get(variant.pk)
            if fresh is not None:
                variant.on_hand, variant.reserved = fresh.on_hand, fresh.reserved
    by_slug, by_name = _categories()
    groups = _group_products({d["group"] for _i, d in cleaned if d.get("group")})
    titled_groups = {g for g, p in groups.items() if p.title}
    seen: dict[str, int] = {}
    out = []
    for item, data in cleaned:
        variant = None
        if data.get("sku"):
            variant = by_sku.get(data["sku"])
        elif data.get("gtin"):
            variant = by_gtin.get(data["gtin"]) or by_sku.get(data["gtin"])
        key = variant.sku if variant is not None else (data.get("sku") or data.get("gtin") or "")
        item.sku = key or item.sku
        if key:
            if key in seen:
                item.errors.append({"column": "sku", "message": _("Artikelnummer „%(sku)s“ steht schon in Zeile "
                                                                  "%(row)s.") % {"sku": key, "row": seen[key]}})
            else:
                seen[key] = item.row
        if "category" in data:
            name = data["category"].strip().lower()
            category = by_slug.get(name) or by_name.get(name) or by_name.get(name.rsplit(">", 1)[-1].strip())
            if category is None:
                item.errors.append({"column": "category", "message": _("Kategorie „%(name)s“ gibt es nicht.")
                                    % {"name": data["category"]}})
            data["category"] = category
        if variant is None and key:
            if not create:
                item.errors.append({"column": "sku", "message": _("Artikel „%(sku)s“ gibt es in diesem Geschäft "
                                                                  "nicht.") % {"sku": key}})
            else:
                group = data.get("group")
                if group in groups:
                    data["_group_product"] = groups[group]
                needed = [("price_cents", _("Preis"))]
                if not group or group not in titled_groups:  # a variant joining a known product needs no title
                    needed.insert(0, ("title", _("Titel")))
                if group and "title" in data:
                    titled_groups.add(group)
                for required, label in needed:
                    if required not in data and not any(e["column"] in (required, "price") for e in item.errors):
                        item.errors.append({"column": required if required != "price_cents" else "price",
                                            "message": _("%(field)s fehlt für einen neuen Artikel.")
                                            % {"field": label}})
        if variant is not None and "on_hand" in data and data["on_hand"] < variant.reserved:
            # The till's report falls below what open orders hold: refused for this row,
            # the rest of the row is still saved (marketplace.stock.report_on_hand).
            item.errors.append({"column": "on_hand", "code": "below_reserved",
                                "message": BelowReserved(variant, data["on_hand"]).messages[0]})
            data.pop("on_hand")
        out.append((item, data, variant))
    return out, result


def _group_products(groups: set[str]) -> dict[str, Product]:
    """The shop's products that earlier imports created for these item groups."""
    found: dict[str, Product] = {}
    for chunk in _chunks(sorted(groups)):
        for product in Product.objects.filter(import_group__in=list(chunk)).order_by("pk"):
            found.setdefault(product.import_group, product)
    return found


def _fatal(item: ItemResult) -> bool:
    """A row with errors is skipped, except a refused stock report (the rest is saved)."""
    return any(e.get("code") != "below_reserved" for e in item.errors)


def products_upsert(*, organisation, actor, rows: Sequence[dict[str, Any]], create: bool = True,
                    first_row: int = 2, source: str = "api") -> UpsertResult:
    """Create or update the products and variants of `rows` (our field names ->
    raw values, see import_parsing.FIELDS). Rows with errors are skipped and listed;
    the others are saved, in one transaction, with one audit entry."""
    _require_import(actor, organisation)
    shop = Shop.objects.get(organisation=organisation)
    now = timezone.now()
    with organisation_scope(organisation), transaction.atomic():
        checked, result = validate_rows(organisation=organisation, rows=rows, first_row=first_row, create=create,
                                        lock=True)
        new_products: list[Product] = []
        new_variants: list[Variant] = []
        changed_products: dict[int, Product] = {}
        changed_variants: list[Variant] = []
        stock_changed: list[Variant] = []
        images: list[tuple[int | Product, str]] = []
        new_groups: dict[str, Product] = {}  # products this call creates, by item group
        for item, data, variant in checked:
            if item.errors and _fatal(item):
                result.failed += 1
                item.status = "error"
                continue
            if variant is None:
                group = data.get("group", "")
                product = data.get("_group_product") or new_groups.get(group)
                if product is None:
                    product = Product(organisation=organisation, shop=shop, title=data["title"], import_group=group)
                    new_products.append(product)
                    if group:
                        new_groups[group] = product
                if _apply(product, data, PRODUCT_FIELDS) and product.pk:
                    changed_products[product.pk] = product
                variant = Variant(organisation=organisation, product=product, sku=data.get("sku") or data["gtin"],
                                  price_cents=data["price_cents"], on_hand=data.get("on_hand", 0),
                                  stock_updated_at=now)
                _apply(variant, data, VARIANT_FIELDS)
                new_variants.append(variant)
                item.status = "created"
                result.created += 1
                if data.get("image_url"):
                    images.append((product.pk or product, data["image_url"]))
                item._pending = variant  # type: ignore[attr-defined]
                continue
            product = variant.product
            if _apply(product, data, PRODUCT_FIELDS):
                changed_products[product.pk] = product
            if _apply(variant, data, VARIANT_FIELDS):
                changed_variants.append(variant)
            if "on_hand" in data and data["on_hand"] != variant.on_hand:
                variant.on_hand = data["on_hand"]
                variant.stock_updated_at = now
                stock_changed.append(variant)
            item.status = "updated"
            item.product_id, item.variant_id = product.pk, variant.pk
            result.updated += 1
            if data.get("image_url"):
                images.append((product.pk, data["image_url"]))
        for chunk in _chunks(new_products):
            Product.objects.bulk_create(chunk)
        for variant in new_variants:
            variant.product_id = variant.product.pk
        for chunk in _chunks(new_variants):
            Variant.objects.bulk_create(chunk)
        if changed_products:
            for product in changed_products.values():
                product.updated_at = now
            Product.objects.bulk_update(list(changed_products.values()), [*PRODUCT_FIELDS, "updated_at"],
                                        batch_size=CHUNK)
        stock_ids = {v.pk for v in stock_changed}
        if changed_variants or stock_changed:
            unique = {v.pk: v for v in [*changed_variants, *stock_changed]}
            fields = list(VARIANT_FIELDS)
            if stock_ids:
                fields += ["on_hand", "stock_updated_at"]
            Variant.objects.bulk_update(list(unique.values()), fields, batch_size=CHUNK)
        for item, _data, _variant in checked:
            pending = item.__dict__.pop("_pending", None)
            if pending is not None:
                item.product_id, item.variant_id = pending.product_id, pending.pk
        image_ids = _add_images(organisation, images)
        result.items = [c[0] for c in checked]
        product_ids = sorted({item.product_id for item in result.items if item.product_id and item.status != "error"})
        audit_log(**_audit_actor(actor), action="marketplace.products_imported", subject=shop,
                  data={"source": source, **result.counts(), "stock_changed": len(stock_ids),
                        "images": len(image_ids)})
        if image_ids:
            from .tasks import fetch_product_images

            for chunk in _chunks(image_ids, 50):
                fetch_product_images.enqueue(list(chunk))
    _index(product_ids)
    return result


def _apply(obj, data: dict[str, Any], names: Iterable[str]) -> bool:
    changed = False
    for name in names:
        if name == "category" and "category" in data:  # compare ids: no query for the current category
            if obj.category_id != (data["category"].pk if data["category"] else None):
                obj.category = data["category"]
                changed = True
        elif name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed = True
    return changed


def _add_images(organisation, images: list[tuple[int | Product, str]]) -> list[int]:
    """A ProductImage for each new image address (an address the product already has is
    not fetched again); the task fetches them."""
    if not images:
        return []
    pairs = [(p if isinstance(p, int) else p.pk, url) for p, url in images]
    known = set()
    for chunk in _chunks(pairs):
        known |= set(ProductImage.objects.filter(product_id__in=[p for p, _u in chunk],
                                                 source_url__in=[u for _p, u in chunk])
                     .values_list("product_id", "source_url"))
    fresh = [ProductImage(organisation=organisation, product_id=p, source_url=u)
             for p, u in dict.fromkeys(pairs) if (p, u) not in known]
    created = []
    for chunk in _chunks(fresh):
        created += ProductImage.objects.bulk_create(chunk)
    return [image.pk for image in created]


def _index(product_ids: list[int]) -> None:
    from . import search_index

    if not product_ids:
        return
    search_index.index_products(product_ids=product_ids)


def stock_update(*, organisation, actor, items: Sequence[dict[str, Any]]) -> UpsertResult:
    """Partial updates (on_hand and/or price) of existing variants by SKU or GTIN: an
    unknown article is an error of that item, nothing is created."""
    rows = [{k: v for k, v in item.items() if k in ("sku", "gtin", "on_hand", "price", "price_cents")}
            for item in items]
    return products_upsert(organisation=organisation, actor=actor, rows=rows, create=False, first_row=1,
                           source="api-stock")


# --- import batches (the upload pages) ---------------------------------------------------------

def import_batch_create(*, shop: Shop, actor, filename: str, raw: bytes) -> ImportBatch:
    """Keep the uploaded file; a Google feed is mapped at once (its columns are fixed)."""
    _require_import(actor, shop.organisation)
    if len(raw) > MAX_FILE_BYTES:
        raise parsing.FileError(_("Die Datei ist größer als 20 MB."))
    parsed = parsing.parse_file(raw)
    if len(parsed.rows) > MAX_ROWS:
        raise parsing.FileError(_("Die Datei hat mehr als %(max)s Zeilen.") % {"max": MAX_ROWS})
    google = parsed.kind != "csv"
    with organisation_scope(shop.organisation), transaction.atomic():
        batch = ImportBatch.objects.create(
            organisation=shop.organisation, shop=shop, created_by=actor, filename=filename[:200], raw=raw,
            kind=parsed.kind, encoding=parsed.encoding, delimiter=parsed.delimiter, columns=parsed.columns,
            mapping=parsing.guess_mapping(parsed.columns, google=google),
            status=ImportStatus.MAPPED if google else ImportStatus.UPLOADED)
        audit_log(actor=actor, action="marketplace.import_uploaded", subject=batch,
                  data={"filename": batch.filename, "kind": batch.kind, "rows": len(parsed.rows)})
    return batch


def import_batch_map(*, batch: ImportBatch, actor, mapping: dict[str, int]) -> ImportBatch:
    _require_import(actor, batch.organisation)
    if batch.status == ImportStatus.IMPORTED:
        raise PermissionDenied(_("Dieser Import ist schon abgeschlossen."))
    clean = {k: int(v) for k, v in mapping.items() if k in parsing.FIELDS and 0 <= int(v) < len(batch.columns)}
    if "sku" not in clean and "gtin" not in clean:
        raise ValueError(_("Bitte ordnen Sie die Artikelnummer (SKU) oder die GTIN einer Spalte zu."))
    with organisation_scope(batch.organisation), transaction.atomic():
        batch.mapping = clean
        batch.status = ImportStatus.MAPPED
        batch.save(update_fields=["mapping", "status"])
    return batch


def _batch_rows(batch: ImportBatch) -> list[dict[str, str]]:
    parsed = parsing.parse_file(bytes(batch.raw))
    return parsing.rows_from_table(parsed, batch.mapping)


def import_batch_preview(*, batch: ImportBatch, actor, limit: int = 20) -> dict[str, Any]:
    """The first rows as they will be read and every error of every row; saves nothing."""
    _require_import(actor, batch.organisation)
    rows = _batch_rows(batch)
    with organisation_scope(batch.organisation):
        checked, _result = validate_rows(organisation=batch.organisation, rows=rows)
    items = [item for item, _d, _v in checked]
    return {"rows": [(item, data, variant) for item, data, variant in checked[:limit]], "raw": rows[:limit],
            "errors": [item for item in items if item.errors], "total": len(items),
            "new": sum(1 for item, _d, v in checked if v is None and not item.errors),
            "updates": sum(1 for item, _d, v in checked if v is not None and not _fatal(item))}


def import_batch_confirm(*, batch: ImportBatch, actor) -> UpsertResult:
    _require_import(actor, batch.organisation)
    with organisation_scope(batch.organisation), transaction.atomic():
        batch = lock_rows(ImportBatch.objects.filter(pk=batch.pk))[0]
        if batch.status != ImportStatus.MAPPED:  # a second click on "import" imports nothing twice
            raise PermissionDenied(_("Dieser Import ist schon abgeschlossen oder noch nicht zugeordnet."))
        result = products_upsert(organisation=batch.organisation, actor=actor, rows=_batch_rows(batch),
                                 source="file")
        batch.status = ImportStatus.IMPORTED
        batch.imported_at = timezone.now()
        batch.result = {**result.counts(), "errors": [item.as_dict() for item in result.errors]}
        batch.save(update_fields=["status", "imported_at", "result"])
    return result


# --- uploaded product images -------------------------------------------------------------------

def product_image_upload(*, organisation, actor, product_id: int, data: bytes, alt_text: str = "") -> ProductImage:
    """An image the shop uploads (instead of an address): checked and thumbnailed at
    once; a file that is no JPEG/PNG/WebP or too large is refused and nothing is kept."""
    from django.conf import settings
    from django.core.exceptions import ValidationError

    from .images import ImageRefused, process_image_bytes

    _require_import(actor, organisation)
    if len(data) > settings.MARKETPLACE_IMAGE_MAX_BYTES:
        raise ValidationError(_("Das Bild ist größer als %(mb)s MB.")
                              % {"mb": settings.MARKETPLACE_IMAGE_MAX_BYTES // (1024 * 1024)})
    with organisation_scope(organisation), transaction.atomic():
        product = Product.objects.filter(pk=product_id).first()  # scoped: another shop's product is not found
        if product is None:
            raise ValidationError(_("Dieses Produkt gibt es in diesem Geschäft nicht."))
        image = ProductImage.objects.create(organisation=organisation, product=product, alt_text=alt_text[:200],
                                            order=product.images.count())
        try:
            process_image_bytes(image, data)
        except ImageRefused as exc:
            raise ValidationError(str(exc)) from None
        image.save(update_fields=["original", "thumbnail", "error"])
        audit_log(**_audit_actor(actor), action="marketplace.product_saved", subject=product,
                  data={"image": image.pk})
    _index([product.pk])
    return image
