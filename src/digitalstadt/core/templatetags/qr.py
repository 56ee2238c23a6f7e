from django import template

from digitalstadt.core.qr import qr_svg as make_qr_svg

register = template.Library()


@register.simple_tag
def qr_svg(data: str, title: str, scale: int = 4):
    return make_qr_svg(data, title=title, scale=scale)
