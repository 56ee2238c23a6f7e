"""The retailer's own pages under /mein-geschaeft/: onboarding, profile, opening hours,
position, submission and manual products. Thin: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.core.params import query_int, query_text

from . import shop_selectors as selectors
from . import shop_services as services
from .models import ShopClosure
from .shop_forms import ClosureForm, OpeningHoursForm, PositionForm, ProductForm, ShopCreateForm, ShopProfileForm


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _shop(request, slug: str, roles=selectors.PROFILE_ROLES):
    shop = selectors.shop_for_member(user=request.user, slug=slug, roles=roles)
    if shop is None:
        raise Http404
    shop.member_role = selectors.member_role(user=request.user, shop=shop)
    return shop


def optional_url(name: str, **kwargs) -> str:
    """A URL of another part (import, orders), or "" while that part is not merged."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@login_required
def shop_list(request):
    return render(request, "marketplace/shops/list.html", {"shops": selectors.shops_of(user=request.user)})


@login_required
def shop_create(request):
    from digitalstadt.applications.selectors import registered_businesses_of

    businesses = registered_businesses_of(user=request.user)
    chosen = None
    reference = query_text(request.GET, "gewerbe", max_length=40)
    if reference:
        chosen = next((b for b in businesses if b["reference"] == reference), None)
        if chosen is None:
            raise Http404
    if request.method == "POST":
        form = ShopCreateForm(request.POST)
        if form.is_valid():
            try:
                shop = services.shop_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Das Geschäft ist angelegt. Ergänzen Sie jetzt das Profil."))
                return redirect("market-shop:detail", shop=shop.slug)
    else:
        initial = {"city": "Darmstadt"}
        if chosen:
            initial.update(name=chosen["company_name"], legal_form=chosen["legal_form"],
                           owner_name=chosen["owner_name"], postal_code=chosen["postal_code"],
                           street=f"{chosen['street']} {chosen['house_number']}".strip(),
                           business_registration=chosen["reference"])
        form = ShopCreateForm(initial=initial)
    return render(request, "marketplace/shops/create.html", {"form": form, "businesses": businesses,
                                                              "chosen": chosen},
                  status=400 if form.errors else 200)


@login_required
def shop_detail(request, shop):
    shop = _shop(request, shop, selectors.PRODUCT_ROLES)
    may_edit = shop.member_role in selectors.PROFILE_ROLES
    checklist = selectors.shop_checklist(shop=shop)
    return render(request, "marketplace/shops/detail.html", {
        "shop": shop, "may_edit": may_edit, "checklist": checklist,
        "complete": all(item.done for item in checklist), "counts": selectors.shop_counts(shop=shop),
        "import_url": optional_url("market-import:upload", shop=shop.slug),
        "orders_url": optional_url("market-orders:dashboard", shop=shop.slug),
        "public_url": optional_url("market-directory:shop", slug=shop.slug),
        "other_areas": _other_areas(request.user, shop.organisation),
    })


def _other_areas(user, organisation) -> list[dict]:
    """Work areas other apps register for shops (park & shop vouchers), linked from the
    shop's dashboard as well as from the organisation's page."""
    from digitalstadt.core.registry import organisation_areas

    return [{"label": area.label, "description": area.description, "url": area.url(organisation)}
            for area in sorted(organisation_areas, key=lambda a: a.order)
            if "shop" in area.kinds and not area.id.startswith("marketplace.") and area.visible_to(user, organisation)]


@login_required
def shop_profile(request, shop):
    shop = _shop(request, shop)
    if request.method == "POST":
        form = ShopProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.shop_update_profile(actor=request.user, shop=shop, data=form.profile_data(),
                                             categories=form.cleaned_data["categories"],
                                             logo=form.cleaned_data.get("logo"),
                                             remove_logo=form.cleaned_data["remove_logo"])
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Das Profil ist gespeichert."))
                return redirect("market-shop:detail", shop=shop.slug)
    else:
        initial = {name: getattr(shop, name) for name in services.PROFILE_FIELDS}
        initial["categories"] = list(shop.categories.all())
        form = ShopProfileForm(initial=initial)
    return render(request, "marketplace/shops/profile.html", {"shop": shop, "form": form},
                  status=400 if form.errors else 200)


@login_required
def shop_hours(request, shop):
    shop = _shop(request, shop)
    closure_form = ClosureForm()
    if request.method == "POST" and request.POST.get("action") == "closure":
        form = _hours_form(shop)
        closure_form = ClosureForm(request.POST)
        if closure_form.is_valid():
            try:
                services.shop_add_closure(actor=request.user, shop=shop, **closure_form.cleaned_data)
            except ValidationError as exc:
                closure_form.add_error("date", _errors(exc))
            else:
                messages.success(request, _("Der Schließtag ist eingetragen."))
                return redirect("market-shop:hours", shop=shop.slug)
    elif request.method == "POST" and request.POST.get("action") == "remove-closure":
        services.shop_remove_closure(actor=request.user, shop=shop,
                                     closure_id=query_int(request.POST, "closure", default=0, minimum=0))
        messages.success(request, _("Der Schließtag ist gelöscht."))
        return redirect("market-shop:hours", shop=shop.slug)
    elif request.method == "POST":
        form = OpeningHoursForm(request.POST)
        if form.is_valid():
            try:
                services.shop_set_opening_hours(actor=request.user, shop=shop, rows=form.hours())
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Die Öffnungszeiten sind gespeichert."))
                return redirect("market-shop:hours", shop=shop.slug)
    else:
        form = _hours_form(shop)
    return render(request, "marketplace/shops/hours.html", {
        "shop": shop, "form": form, "closure_form": closure_form,
        "closures": ShopClosure.objects.filter(shop=shop).order_by("date"),
    }, status=400 if (form.errors or closure_form.errors) else 200)


def _hours_form(shop):
    initial = {}
    for row in selectors.opening_hours_by_day(shop=shop):
        if row["times"]:
            initial[f"opens_{row['weekday']}"] = row["times"][0][0]
            initial[f"closes_{row['weekday']}"] = row["times"][-1][1]
    return OpeningHoursForm(initial=initial)


@login_required
def shop_position(request, shop):
    shop = _shop(request, shop)
    if request.method == "POST":
        form = PositionForm(request.POST)
        if form.is_valid():
            try:
                services.shop_set_position(actor=request.user, shop=shop, latitude=form.cleaned_data["latitude"],
                                           longitude=form.cleaned_data["longitude"])
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Die Position ist gespeichert."))
                return redirect("market-shop:detail", shop=shop.slug)
    else:
        form = PositionForm(initial={"latitude": shop.latitude, "longitude": shop.longitude}
                            if shop.position_source == "manual" else None)
    return render(request, "marketplace/shops/position.html", {"shop": shop, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def shop_submit(request, shop):
    shop = _shop(request, shop)
    try:
        services.shop_submit(actor=request.user, shop=shop)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Das Geschäft ist zur Prüfung eingereicht. Sie erhalten eine Nachricht, sobald "
                                    "die Wirtschaftsförderung es geprüft hat."))
    return redirect("market-shop:detail", shop=shop.slug)


# --- manual products -----------------------------------------------------------------------


@login_required
def product_list(request, shop):
    shop = _shop(request, shop, selectors.PRODUCT_ROLES)
    return render(request, "marketplace/shops/products.html", {
        "shop": shop, "products": selectors.shop_products(shop=shop),
        "import_url": optional_url("market-import:upload", shop=shop.slug)})


@login_required
def product_edit(request, shop, pk: int | None = None):
    shop = _shop(request, shop, selectors.PRODUCT_ROLES)
    product = None
    if pk is not None:
        product = selectors.shop_product(shop=shop, pk=pk)
        if product is None:
            raise Http404
    if request.method == "POST":
        form = ProductForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["price_cents"] = data.pop("price")
            try:
                services.product_save(actor=request.user, shop=shop, product=product, **data)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Das Produkt ist gespeichert."))
                return redirect("market-shop:products", shop=shop.slug)
    elif product is not None:
        variant = product.first_variant
        form = ProductForm(initial={
            "title": product.title, "description": product.description, "vat_rate": product.vat_rate,
            "active": product.active, "sku": variant.sku if variant else "", "gtin": variant.gtin if variant else "",
            "on_hand": variant.on_hand if variant else 0,
            "price": f"{variant.price_cents // 100},{variant.price_cents % 100:02d}" if variant else ""})
    else:
        form = ProductForm()
    return render(request, "marketplace/shops/product_form.html", {"shop": shop, "form": form, "product": product},
                  status=400 if form.errors else 200)
