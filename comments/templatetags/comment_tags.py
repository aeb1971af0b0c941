from django import template
from django.template.loader import render_to_string

from articles import pagecache
from comments import pages
from comments.forms import CommentForm
from comments.models import Comment

register = template.Library()


def blank_form(article) -> str:
    """The unsigned, empty form every shared page carries: the same HTML for an article until
    it changes, so it is a fragment too."""
    return pagecache.fragment(
        f"form:{article.news_code}",
        pagecache.content_scope(article.news_code),
        lambda: render_to_string(
            "comments/form.html", {"article": article, "form": CommentForm(article)}
        ),
    )


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, article):
    """The first page of threads, the count of all, the reader's own waiting comments (on
    their private rendering only) and the form; a bound form (after a refused post) is shown
    as sent."""
    first = pages.page(article, 1)
    form = context.get("comment_form")
    if form is None:
        form_html = blank_form(article)
    else:
        form_html = render_to_string(
            "comments/form.html",
            {
                "article": article,
                "form": form,
                "comment_error": context.get("comment_error"),
                "reply_to": getattr(form, "cleaned_data", {}).get("parent"),
            },
        )
    waiting = context.get("waiting_comments") or []
    return {
        "article": article,
        "count": article.comment_count,
        "page": first,
        "next_url": first.next_url if first else "",
        "waiting": pages.waiting_items(waiting, article) if waiting else "",
        "form_html": form_html,
        "site_name": context.get("site_name"),
        "messages": context.get("messages"),
    }


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.pending().count()
