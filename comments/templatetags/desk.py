"""Template tags for the admin's own pages: the pending badge and Persian page numbers."""

from django import template
from django.contrib.admin.views.main import PAGE_VAR
from django.utils.html import format_html

from comments.models import Comment
from newsroom.persian import fa_digits

register = template.Library()


@register.simple_tag
def pending_badge() -> str:
    """«دیدگاه‌ها ۳»: how many comments wait, beside the menu entry on every admin page."""
    waiting = Comment.objects.pending().count()
    return format_html(
        ' <span class="desk-badge"{}><span class="visually-hidden">در انتظار بررسی: </span>'
        '<span class="desk-badge-count">{}</span></span>',
        "" if waiting else " hidden",
        fa_digits(waiting),
    )


@register.simple_tag
def fa_paginator_number(cl, i) -> str:
    """Django's paginator_number, with Persian digits in the text (not in the link)."""
    if i == cl.paginator.ELLIPSIS:
        return format_html("{} ", cl.paginator.ELLIPSIS)
    if i == cl.page_num:
        return format_html('<span class="this-page">{}</span> ', fa_digits(i))
    return format_html(
        '<a role="button" href="{}"{}>{}</a> ',
        cl.get_query_string({PAGE_VAR: i}),
        ' class="end"' if i == cl.paginator.num_pages else "",
        fa_digits(i),
    )


@register.filter
def fa_duration(value) -> str:
    """A timedelta as «۱۵ دقیقه» / «۱ ساعت و ۳۰ دقیقه» (axes' own value is ISO 8601: «PT15M»)."""
    try:
        minutes = round(value.total_seconds() / 60)
    except AttributeError:
        return ""
    hours, minutes = divmod(minutes, 60)
    parts = [f"{fa_digits(n)} {unit}" for n, unit in ((hours, "ساعت"), (minutes, "دقیقه")) if n]
    return " و ".join(parts)
