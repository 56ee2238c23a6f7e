"""The shop's import pages: upload a file, map its columns, preview every error, import;
and the local inventory feed download. Thin: the services check who may do it."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from digitalstadt.core.scoping import organisation_scope

from . import catalogue_services as services
from .feeds import local_inventory_tsv
from .import_parsing import FIELDS, FileError
from .models import ImportBatch, ImportStatus, Shop


class UploadForm(forms.Form):
    file = forms.FileField(label=_l("Datei (CSV, TSV oder Google-Produktfeed als XML)"),
                           help_text=_l("Spalten getrennt durch Semikolon, Komma oder Tabulator; UTF-8 oder "
                                        "Windows-1252. Die erste Zeile nennt die Spalten."),
                           error_messages={"required": _l("Bitte wählen Sie eine Datei aus.")})


def _shop(request, slug: str) -> Shop:
    shop = get_object_or_404(Shop.objects.select_related("organisation"), slug=slug)
    if not services.can_import(actor=request.user, organisation=shop.organisation):
        raise PermissionDenied(_("Nur Inhaber/innen, Administration und Verkauf dieses Geschäfts dürfen Produkte "
                                 "importieren."))
    return shop


def _batch(shop: Shop, pk: int) -> ImportBatch:
    if pk > 2**62:  # beyond any database integer: no such import
        raise Http404
    with organisation_scope(shop.organisation):
        batch = ImportBatch.objects.filter(pk=pk, shop=shop).first()
    if batch is None:
        raise Http404
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, shop: str):
    shop_obj = _shop(request, shop)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            raw = upload_file.read(services.MAX_FILE_BYTES + 1)
            batch = services.import_batch_create(shop=shop_obj, actor=request.user, filename=upload_file.name,
                                                 raw=raw)
        except FileError as exc:
            form.add_error("file", str(exc))
        else:
            target = "market-import:preview" if batch.status == ImportStatus.MAPPED else "market-import:mapping"
            return redirect(target, shop=shop_obj.slug, batch=batch.pk)
    with organisation_scope(shop_obj.organisation):
        recent = list(ImportBatch.objects.filter(shop=shop_obj).defer("raw")[:5])
    return render(request, "marketplace/import/upload.html", {"shop": shop_obj, "form": form, "recent": recent})


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request, shop: str, batch: int):
    shop_obj = _shop(request, shop)
    batch_obj = _batch(shop_obj, batch)
    if batch_obj.status == ImportStatus.IMPORTED:
        return redirect("market-import:result", shop=shop_obj.slug, batch=batch_obj.pk)
    error = ""
    current = dict(batch_obj.mapping)
    if request.method == "POST":
        chosen = {}
        for name in FIELDS:
            value = request.POST.get(f"map_{name}", "")
            if value.isdigit() and int(value) < len(batch_obj.columns):
                chosen[name] = int(value)
        used = [v for v in chosen.values()]
        if len(used) != len(set(used)):
            error = _("Jede Spalte der Datei kann nur einem Feld zugeordnet werden.")
        else:
            try:
                services.import_batch_map(batch=batch_obj, actor=request.user, mapping=chosen)
            except ValueError as exc:
                error = str(exc)
            else:
                return redirect("market-import:preview", shop=shop_obj.slug, batch=batch_obj.pk)
        current = chosen
    fields = [{"name": name, "label": label, "selected": current.get(name)} for name, label in FIELDS.items()]
    return render(request, "marketplace/import/mapping.html", {
        "shop": shop_obj, "batch": batch_obj, "fields": fields, "columns": list(enumerate(batch_obj.columns)),
        "error": error})


@login_required
def preview(request, shop: str, batch: int):
    shop_obj = _shop(request, shop)
    batch_obj = _batch(shop_obj, batch)
    if batch_obj.status == ImportStatus.IMPORTED:
        return redirect("market-import:result", shop=shop_obj.slug, batch=batch_obj.pk)
    if batch_obj.status != ImportStatus.MAPPED:
        return redirect("market-import:mapping", shop=shop_obj.slug, batch=batch_obj.pk)
    shown = services.import_batch_preview(batch=batch_obj, actor=request.user)
    mapped = [(name, FIELDS[name]) for name in FIELDS if name in batch_obj.mapping]
    rows = []
    for (item, data, variant), raw in zip(shown["rows"], shown["raw"]):
        failed = {e["column"] for e in item.errors if e.get("code") != "below_reserved"}
        rows.append({"item": item, "new": variant is None,
                     "cells": [(raw.get(name, "") if name in failed else _cell(data, name), name in failed)
                               for name, _label in mapped]})
    errors = _error_rows(batch_obj, shown["errors"])
    return render(request, "marketplace/import/preview.html", {
        "shop": shop_obj, "batch": batch_obj, "mapped": mapped, "rows": rows, "preview": shown,
        "errors": errors, "below_reserved": any(e["code"] == "below_reserved" for e in errors)})


def _error_rows(batch: ImportBatch, items) -> list[dict]:
    """One line per error: the row, our field with the file's column name, the message."""
    out = []
    for item in items:
        item_errors = item.errors if isinstance(item, services.ItemResult) else item["errors"]
        for error in item_errors:
            index = batch.mapping.get(error["column"])
            column = str(FIELDS.get(error["column"], error["column"]))
            if index is not None and index < len(batch.columns):
                column = f"{column} („{batch.columns[index]}“)"
            out.append({"row": item.row if isinstance(item, services.ItemResult) else item["row"],
                        "sku": item.sku if isinstance(item, services.ItemResult) else item["sku"],
                        "column": column, "message": error["message"], "code": error.get("code", "")})
    return out


def _cell(data: dict, name: str) -> str:
    if name == "price" and "price_cents" in data:
        cents = data["price_cents"]
        return f"{cents // 100},{cents % 100:02d} €"
    if name == "store_only":
        return "" if "shippable" not in data else (_("nein") if data["shippable"] else _("ja"))
    value = data.get(name, "")
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    return "" if value is None else str(value)


@login_required
@require_POST
def confirm(request, shop: str, batch: int):
    shop_obj = _shop(request, shop)
    batch_obj = _batch(shop_obj, batch)
    try:
        services.import_batch_confirm(batch=batch_obj, actor=request.user)
    except PermissionDenied:
        pass  # imported already (a second click): the result page tells what happened
    return redirect("market-import:result", shop=shop_obj.slug, batch=batch_obj.pk)


@login_required
def result(request, shop: str, batch: int):
    shop_obj = _shop(request, shop)
    batch_obj = _batch(shop_obj, batch)
    if batch_obj.status != ImportStatus.IMPORTED:
        return redirect("market-import:preview", shop=shop_obj.slug, batch=batch_obj.pk)
    return render(request, "marketplace/import/result.html", {
        "shop": shop_obj, "batch": batch_obj, "result": batch_obj.result,
        "errors": _error_rows(batch_obj, batch_obj.result.get("errors", []))})


@login_required
def local_inventory(request, shop: str):
    shop_obj = _shop(request, shop)
    response = HttpResponse(local_inventory_tsv(shop=shop_obj), content_type="text/tab-separated-values; "
                                                                             "charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="local-inventory-{shop_obj.slug}.tsv"'
    return response
