"""What the shopper is told when the shop changes an order: an e-mail with the news and
a copy in the Postfach, both in the shopper's language, with a link to the order page."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import translation

from digitalstadt.core.scoping import organisation_scope
from digitalstadt.core.urls_helpers import absolute_url


def order_link(order) -> str:
    """The shopper's order page (the lead's `market-order:detail`); until that URL
    exists, the shopper's order list under /marktplatz/bestellungen/."""
    try:
        return absolute_url("market-order:detail", kwargs={"uuid": order.uuid})
    except NoReverseMatch:
        try:
            return absolute_url("market-order:list")
        except NoReverseMatch:
            return f"{settings.SITE_URL}/marktplatz/bestellungen/"


def notify_shopper(*, shop_order, event: str, **extra) -> None:
    from digitalstadt.mailbox.services import message_send, outbox_enqueue_template

    order = shop_order.order
    shopper = order.shopper
    language = getattr(shopper, "language", "") or "de"
    with organisation_scope(shop_order.organisation):
        lines = list(shop_order.lines.all())
    with translation.override(language):
        from .registry import order_mail_lines

        context = {"event": event, "shop_order": shop_order, "order": order, "shop": shop_order.shop,
                   "lines": lines, "link": order_link(order), "extra_lines": order_mail_lines(shop_order=shop_order),
                   "platform_name": settings.PLATFORM_NAME, **extra}
        subject = render_to_string("marketplace/orders/email/status_subject.txt", context).strip()
        body = render_to_string("marketplace/orders/email/status_message.txt", context)
    outbox_enqueue_template(to=order.email, template_prefix="marketplace/orders/email/status", context=context,
                            language=language, purpose=f"marketplace:order_{event}")
    message_send(subject=subject, body=body, sender_name=shop_order.shop.name, recipient_user=shopper,
                 regarding=f"marketplace.shoporder:{shop_order.pk}")
