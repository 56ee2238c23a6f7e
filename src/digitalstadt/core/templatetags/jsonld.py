"""Structured data for search engines: `{{ data|json_ld }}` renders a
<script type="application/ld+json"> block. The JSON is escaped like Django's
json_script (<, > and & as \\u escapes), so no text can close the script element; a
JSON-LD block is data, not script, so the CSP neither runs nor reports it."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data) -> str:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 (escaped above)
