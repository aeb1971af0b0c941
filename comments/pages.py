"""The conversation under an article, a page of threads at a time.

A page is THREADS_PER_PAGE approved top-level comments, oldest first, each with its approved
replies; the article page holds the first, /news/<code>/comments/<n>/ the rest. A page's HTML
is a fragment kept under its page-cache scope's version (comments.models.page_scope), which only
a decision touching that page changes, so neither the article page nor a comment page queries
or renders comments again until then, with the page cache on or off.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from articles import pagecache
from articles.models import Article
from newsroom.persian import iso_datetime, jalali_datetime

from .models import REPLIES_MAX, THREADS_PER_PAGE, Comment, page_scope, page_url

COMMENT = (
    '<li class="comment{}" id="comment-{}">\n'
    '  <p class="comment-head"><bdi class="comment-author">{}</bdi>\n'
    '  <a class="permalink" href="#comment-{}"><time datetime="{}">{}</time></a>{}</p>\n'
    '  <p class="comment-text" dir="auto">{}</p>{}{}{}\n'
    "</li>\n"
)
EDITORS_REPLY = (
    '\n  <div class="comment-reply"><p><strong>پاسخ تحریریه:</strong></p>\n'
    '  <p dir="auto">{}</p></div>'
)
REPLY_LINK = (
    '\n  <p class="comment-actions"><a class="reply-link" href="{}" data-parent="{}"'
    ' data-parent-name="{}">پاسخ<span class="visually-hidden"> به {}</span></a></p>'
)
WAITING_MARK = ' <strong class="waiting-mark">در انتظار تأیید</strong>'


def comment_item(
    comment: Comment,
    *,
    replies: list[Comment] = (),
    can_reply: bool = False,
    waiting: bool = False,
    answers: str = "",
) -> SafeString:
    """One comment as readers see it; its time links to it (#comment-N) on its own page.

    Built with format_html (every value escaped) rather than a template loop: with a page of
    threads and replies, the loop was most of a render."""
    nested = ""
    if replies:
        nested = format_html(
            '\n  <ol class="replies">\n{}</ol>',
            mark_safe("".join(comment_item(reply) for reply in replies)),  # noqa: S308
        )
    link = ""
    if can_reply:
        link = format_html(
            REPLY_LINK,
            reverse("comments:reply", args=[comment.article.news_code, comment.pk]),
            comment.pk,
            comment.name,
            comment.name,
        )
    mark = mark_safe(WAITING_MARK) if waiting else ""  # noqa: S308 (a constant)
    if answers:
        mark = format_html(
            '{} <span class="answers">در پاسخ به <bdi>{}</bdi></span>', mark, answers
        )
    return format_html(
        COMMENT,
        " waiting" if waiting else "",
        comment.pk,
        comment.name,
        comment.pk,
        iso_datetime(comment.created_at),
        jalali_datetime(comment.created_at),
        mark,
        comment.text,
        format_html(EDITORS_REPLY, comment.reply) if comment.reply else "",
        link,
        nested,
    )


@dataclass(frozen=True)
class CommentPage:
    number: int
    items: str  # the <li> of every thread on the page (safe HTML)
    has_next: bool
    next_url: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def empty(self) -> bool:
        return not self.items


def build_page(article: Article, number: int) -> CommentPage:
    """Page `number` of the article's conversation, in two queries (empty past the last)."""
    start = (number - 1) * THREADS_PER_PAGE
    threads = list(
        Comment.objects.threads()
        .filter(article=article)
        .only("pk", "article_id", "name", "text", "created_at", "reply")[
            start : start + THREADS_PER_PAGE + 1
        ]
    )
    has_next = len(threads) > THREADS_PER_PAGE
    threads = threads[:THREADS_PER_PAGE]
    replies: dict[int, list[Comment]] = {}
    if threads:
        for reply in (
            Comment.objects.approved()
            .filter(parent__in=threads)
            .only("pk", "article_id", "parent_id", "name", "text", "created_at", "reply")
            .order_by("created_at", "pk")
        ):
            replies.setdefault(reply.parent_id, []).append(reply)
    for comment in threads:
        comment.article = article  # no query per item for the reply link
    items = mark_safe(  # noqa: S308 (each item is format_html output)
        "".join(
            comment_item(
                comment,
                replies=replies.get(comment.pk, []),
                can_reply=len(replies.get(comment.pk, [])) < REPLIES_MAX,
            )
            for comment in threads
        )
    )
    return CommentPage(number, items, has_next, page_url(article, number + 1) if has_next else "")


def page(article: Article, number: int) -> CommentPage | None:
    """build_page(), kept as a fragment until a decision changes this page."""
    code = article.news_code
    found = pagecache.fragment(
        f"comments:{code}:{number}", page_scope(code, number), lambda: build_page(article, number)
    )
    return None if number > 1 and found.empty else found


# --- A reader's own waiting comments -----------------------------------------------------------
# The ids of the comments this browser sent to one article, in a signed cookie scoped to that
# article's address: only this browser can name them, a forged or edited cookie is ignored, and
# nothing is stored per reader on the server. While it holds a comment still waiting, the
# article's pages are rendered for this reader alone (pagecache.shared_rendering), with the
# comment marked «در انتظار تأیید»; the shared page stays the same bytes for everyone else.
WAITING_MAX = 10
WAITING_DAYS = 30


def _waiting_ids(request: HttpRequest, article: Article) -> list[int]:
    value = request.get_signed_cookie(
        pagecache.WAITING_COOKIE, default="", salt=pagecache.WAITING_SALT
    )
    code, _, ids = value.partition(":")
    if code != str(article.news_code):  # a cookie of another article's path, copied over
        return []
    return [int(i) for i in ids.split(".") if i.isdigit()][-WAITING_MAX:]


def waiting_comments(request: HttpRequest, article: Article) -> list[Comment]:
    ids = _waiting_ids(request, article)
    if not ids:
        return []
    return list(
        Comment.objects.pending()
        .filter(pk__in=ids, article=article)
        .select_related("parent")
        .order_by("created_at", "pk")
    )


def waiting_items(comments: list[Comment], article: Article) -> SafeString:
    for comment in comments:
        comment.article = article
    return format_html_join(
        "",
        "{}",
        (
            (
                comment_item(
                    comment,
                    waiting=True,
                    answers=comment.parent.name if comment.parent else "",
                ),
            )
            for comment in comments
        ),
    )


def keep_waiting(
    response: HttpResponse, article: Article, ids: list[int], *, request: HttpRequest
) -> None:
    """Set (or, with no ids, remove) the reader's waiting cookie on `response`."""
    path = reverse("articles:detail_short", args=[article.news_code])
    if not ids:
        if pagecache.WAITING_COOKIE in request.COOKIES:
            response.delete_cookie(pagecache.WAITING_COOKIE, path=path, samesite="Lax")
        return
    response.set_signed_cookie(
        pagecache.WAITING_COOKIE,
        f"{article.news_code}:{'.'.join(str(i) for i in ids[-WAITING_MAX:])}",
        salt=pagecache.WAITING_SALT,
        max_age=WAITING_DAYS * 24 * 3600,
        path=path,
        httponly=True,
        secure=settings.HTTPS,
        samesite="Lax",
    )


def for_the_sender(request: HttpRequest, article: Article, render) -> HttpResponse:
    """A page rendered for this reader alone, `render(waiting)` given their comments still
    waiting; the cookie is trimmed to those, or removed."""
    waiting = waiting_comments(request, article)
    response = render(waiting)
    pagecache.private(response)
    keep_waiting(response, article, [c.pk for c in waiting], request=request)
    return response


def add_waiting(response: HttpResponse, request: HttpRequest, article: Article, pk: int) -> None:
    ids = [i for i in _waiting_ids(request, article) if i != pk]
    keep_waiting(response, article, [*ids, pk], request=request)
