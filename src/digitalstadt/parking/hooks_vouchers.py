"""What park & shop registers (called from parking.hooks.register): the redemption
scope for car-park operators, audit actions, the marketplace order hook that hands out
vouchers, the payment handler of budget fundings, the work areas of shops and car-park
operators, the dashboard figure, retention, and the shopper's export and erasure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = (
    ("parking.voucher_programme_saved", _("Park-&-Shop-Regel gespeichert")),
    ("parking.voucher_budget_ordered", _("Park-&-Shop-Budget bestellt")),
    ("parking.voucher_budget_paid", _("Park-&-Shop-Budget bezahlt")),
    ("parking.voucher_issued", _("Parkgutschein ausgegeben")),
    ("parking.voucher_not_issued", _("Kein Parkgutschein ausgegeben (Budget aufgebraucht)")),
    ("parking.voucher_cancelled", _("Parkgutschein storniert")),
    ("parking.voucher_expired", _("Parkgutschein abgelaufen")),
    ("parking.voucher_redeemed", _("Parkgutschein eingelöst")),
    ("parking.voucher_redemption_adjusted", _("Einlösung eines Parkgutscheins auf die echte Parkzeit korrigiert")),
)


def _paid(*, payment):
    from .voucher_services import budget_funding_paid

    return budget_funding_paid(payment=payment)


def _order_paid(*, shop_order):
    from .voucher_services import voucher_issue_for_order

    voucher_issue_for_order(shop_order=shop_order)


def _order_released(*, shop_order):
    from .voucher_services import voucher_cancel_for_order

    voucher_cancel_for_order(shop_order=shop_order)


def _order_panel(*, shop_order):
    from .voucher_selectors import order_voucher_panel

    return order_voucher_panel(shop_order=shop_order)


def _mail_lines(*, shop_order):
    from .voucher_selectors import order_voucher_mail_lines

    return order_voucher_mail_lines(shop_order=shop_order)


def _back_link(*, payment, user):
    from django.urls import reverse

    from .voucher_selectors import funding_back_link

    found = funding_back_link(payment=payment, user=user)
    if found is None:
        return None
    return reverse("parking-vouchers:retailer", kwargs={"shop": found}), _("Zurück zu den Parkgutscheinen")


def _shop_url(organisation) -> str:
    from django.urls import reverse

    from digitalstadt.marketplace.selectors import shop_slug_of

    slug = shop_slug_of(organisation=organisation)
    return reverse("parking-vouchers:retailer", kwargs={"shop": slug}) if slug else ""


def _operator_url(organisation) -> str:
    from django.urls import reverse

    return reverse("parking-vouchers:operator", kwargs={"operator": organisation.slug})


def _manager(user, organisation) -> bool:
    from .voucher_services import can_manage

    return can_manage(user=user, organisation=organisation)


def _redeemed_count():
    from .voucher_selectors import redeemed_count

    return redeemed_count()


def _purge(*, cutoff) -> int:
    from .voucher_personal_data import vouchers_purge

    return vouchers_purge(cutoff=cutoff)


def _export(*, user):
    from .voucher_personal_data import personal_export

    return personal_export(user=user)


def _erase(*, user):
    from .voucher_personal_data import personal_erase

    return personal_erase(user=user)


def register() -> None:
    from digitalstadt.core.registry import (
        ApiScope,
        DashboardFigure,
        OrganisationArea,
        PersonalDataHandler,
        RetentionPolicy,
        api_scopes,
        dashboard_figures,
        organisation_areas,
        personal_data_handlers,
        register_audit_actions,
        retention_policies,
    )
    from digitalstadt.marketplace.registry import OrderHook, order_hooks
    from digitalstadt.payments.registry import PaymentBackLink, SettledHandler, back_links, settled_handlers

    register_audit_actions(AUDIT_ACTIONS)
    # Car-park operators' exit systems: organisation tokens of car-park operators only
    # (the endpoint asks again).
    api_scopes.register(ApiScope("parking:voucher:redeem", _("Parkgutscheine prüfen und einlösen (Parkhaus)"),
                                 _("Park-&-Shop-Gutscheine an der Ausfahrt prüfen und einlösen "
                                   "(GET/POST /api/v1/parking/vouchers/…)"), organisation=True,
                                 organisation_kinds=("carpark",)))
    order_hooks.register(OrderHook("parking.vouchers", paid=_order_paid, released=_order_released,
                                   panel=_order_panel, mail_lines=_mail_lines, order=50))
    settled_handlers.register(SettledHandler("parking.voucher_budget", _paid))
    back_links.register(PaymentBackLink("parking.voucher_budget", _back_link))
    organisation_areas.register(OrganisationArea(
        id="parking.vouchers", label=_("Park & Shop"),
        description=_("Parkgutscheine für Ihre Kundschaft: Regel, Budget, ausgegebene und eingelöste Gutscheine, "
                      "Monatsabrechnung"), kinds=("shop",), url=_shop_url, visible_to=_manager, order=60))
    organisation_areas.register(OrganisationArea(
        id="parking.voucher_redemptions", label=_("Eingelöste Parkgutscheine"),
        description=_("Monatsabrechnung der an Ihren Parkhäusern eingelösten Park-&-Shop-Gutscheine"),
        kinds=("carpark",), url=_operator_url, visible_to=_manager, order=60))
    dashboard_figures.register(DashboardFigure("parking.vouchers_redeemed", _("Parkgutscheine eingelöst"),
                                               _redeemed_count, description=_("Park & Shop, seit Beginn"),
                                               order=420))
    retention_policies.register(RetentionPolicy("parking_vouchers", _("Park-&-Shop-Gutscheine (Bezug zur Person)"),
                                                400, _purge))
    personal_data_handlers.register(PersonalDataHandler("parking.vouchers", _("Parken: Park-&-Shop-Gutscheine"),
                                                        _export, _erase))
