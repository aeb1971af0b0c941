import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from newsroom import persian

register = template.Library()

register.filter("fa_digits", persian.fa_digits)
register.filter("jalali_date", persian.jalali_date)
register.filter("jalali_datetime", persian.jalali_datetime)
register.filter("iso_datetime", persian.iso_datetime)


# The same escapes as django.utils.html.json_script: nothing in the data can close the element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data: dict) -> SafeString:
    """A JSON-LD block; Persian stays readable (ensure_ascii off) and markup stays inert."""
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308
