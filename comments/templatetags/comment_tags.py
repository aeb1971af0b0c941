from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from comments.forms import CommentForm
from comments.models import Comment
from newsroom.persian import iso_datetime, jalali_datetime

register = template.Library()

# One approved comment as readers see it. Built with format_html (every value escaped) rather
# than a template loop: with hundreds of comments, the loop was most of an uncached render.
COMMENT = (
    '<li class="comment" id="comment-{}">\n'
    '  <p class="comment-head"><bdi class="comment-author">{}</bdi>\n'
    '  <time datetime="{}">{}</time></p>\n'
    '  <p class="comment-text" dir="auto">{}</p>{}\n'
    "</li>\n"
)
REPLY = (
    '\n  <div class="comment-reply"><p><strong>پاسخ تحریریه:</strong></p>\n'
    '  <p dir="auto">{}</p></div>'
)


def comment_items(comments) -> SafeString:
    return mark_safe(  # noqa: S308 (each item is format_html output)
        "".join(
            format_html(
                COMMENT,
                comment.pk,
                comment.name,
                iso_datetime(comment.created_at),
                jalali_datetime(comment.created_at),
                comment.text,
                format_html(REPLY, comment.reply) if comment.reply else "",
            )
            for comment in comments
        )
    )


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, article):
    """Approved comments and the form; a bound form (after a refused post) is shown as sent."""
    comments = list(Comment.objects.approved().filter(article=article).order_by("created_at"))
    return {
        "article": article,
        "comments": comments,
        "comment_items": comment_items(comments),
        "form": context.get("comment_form") or CommentForm(article),
        "comment_error": context.get("comment_error"),
        "site_name": context.get("site_name"),
        "messages": context.get("messages"),
    }


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.pending().count()
