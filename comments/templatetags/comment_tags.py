from django import template

from comments.forms import CommentForm
from comments.models import Comment

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, article):
    """Approved comments and the form; a bound form (after a refused post) is shown as sent."""
    comments = list(Comment.objects.approved().filter(article=article).order_by("created_at"))
    return {
        "article": article,
        "comments": comments,
        "form": context.get("comment_form") or CommentForm(article),
        "comment_error": context.get("comment_error"),
        "site_name": context.get("site_name"),
    }


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.pending().count()
