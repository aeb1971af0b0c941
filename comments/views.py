from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from articles import pagecache
from articles.models import Article
from articles.views import absolute_url, render_private
from newsroom.security import same_origin_required, sender_hash
from ops.metrics import COMMENT_POSTS

from . import notifications, pages
from .forms import NO_PARENT, CommentForm, signed_time
from .models import THREADS_PER_PAGE, Comment, page_url

RECEIVED = (
    "دیدگاه شما رسید و پس از تأیید دبیران در همین صفحه منتشر می‌شود؛"
    " تا آن زمان فقط در همین مرورگر، با نشان «در انتظار تأیید»، دیده می‌شود."
)
TOO_MANY = (
    "در چند دقیقهٔ اخیر دیدگاه‌های زیادی از شما رسیده است؛ کمی بعد دوباره بفرستید. متن شما محفوظ است."
)


def comment_rate(group, request) -> str:
    return settings.COMMENT_RATE  # read per request, so tests and operators can change it


@csrf_exempt  # replaced by same_origin_required, so the article page needs no token (README)
@require_POST
@same_origin_required
@ratelimit(key="ip", rate=comment_rate, method="POST", block=False, group="comments.post")
def post_comment(request, news_code: int):
    article = get_object_or_404(Article.objects.published().for_page(), news_code=news_code)
    form = CommentForm(article, data=request.POST)

    if getattr(request, "limited", False):
        COMMENT_POSTS.labels("flood").inc()
        form.is_valid()  # bound and cleaned, so the page shows the reader's own text again
        form.fresh_security_fields()
        response = render_private(
            request, article, comment_form=form, comment_error=TOO_MANY, status=429
        )
        response["Retry-After"] = "60"
        return response

    if not form.is_valid():
        COMMENT_POSTS.labels(_refusal(form)).inc()
        form.fresh_security_fields()
        status = 200 if form.needs_confirmation_only else 400
        return render_private(request, article, comment_form=form, status=status)

    comment = form.save(commit=False)
    comment.article = article
    comment.sender_hash = sender_hash(request)
    comment.user_agent = request.headers.get("User-Agent", "")[:300]
    if form.is_bot:
        # Kept where editors can see it, never shown; the bot is told nothing different.
        comment.status = Comment.Status.SPAM
    try:
        with transaction.atomic():
            comment.save()
            if comment.notify:
                # Only an outbox row, in this transaction: the post never waits on mail.
                notifications.comment_posted(comment.pk)
    except IntegrityError:
        # Only the "same sender, same text" constraint means it is already stored once;
        # anything else must not be answered "received".
        comment = Comment.objects.filter(
            article=article, sender_hash=comment.sender_hash, fingerprint=comment.fingerprint
        ).first()
        if comment is None:
            raise
        COMMENT_POSTS.labels("duplicate").inc()
    else:
        COMMENT_POSTS.labels("bot" if form.is_bot else "accepted").inc()
    messages.success(request, RECEIVED, extra_tags="comments")
    response = redirect(article.get_absolute_url() + "#comments", permanent=False)
    # The sender sees it, marked «در انتظار تأیید», in this browser only (comments.pages).
    pages.add_waiting(response, request, article, comment.pk)
    return response


def _refusal(form: CommentForm) -> str:
    """The metrics' reason for a form that did not validate."""
    if form.needs_confirmation_only:
        return "unsigned"  # a first send without JavaScript, asked to confirm once
    return "too_fast" if form.has_error("__all__", "too_fast") else "invalid"


@require_safe
def form_token(request, news_code: int):
    """A signed time for the comment form, fetched by site.js when the reader starts writing
    (the page itself is shared, so it cannot carry one)."""
    article = get_object_or_404(Article.objects.published().only("pk"), news_code=news_code)
    response = JsonResponse(signed_time(article.pk))
    pagecache.private(response)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def comment_page(request, news_code: int, number: int):
    """Threads after the first page, on pages of their own: linkable, cached like the article,
    kept out of search indexes (the article is what should be found)."""
    if number == 1:
        article = get_object_or_404(
            Article.objects.published().only("news_code", "slug"), news_code=news_code
        )
        return redirect(article.get_absolute_url() + "#comments", permanent=True)
    shared = pagecache.shared_rendering(request)
    scope = pagecache.comments_scope(news_code, number)
    _, version = pagecache.lookup(request, scope) if shared else (None, None)
    article = get_object_or_404(Article.objects.published().for_page(), news_code=news_code)
    # No page past the count (replies included, so an upper bound): a 404 with no query.
    if (number - 1) * THREADS_PER_PAGE >= article.comment_count:
        raise Http404("این صفحهٔ دیدگاه‌ها وجود ندارد.")
    if version == pagecache.NO_ROW:
        version = pagecache.first_version(scope)  # before the fragment reads (article_detail)
    page = pages.page(article, number)
    if page is None:
        raise Http404("این صفحهٔ دیدگاه‌ها وجود ندارد.")
    context = {
        "article": article,
        "page": page,
        "canonical_url": absolute_url(request, page_url(article, number)),
        "previous_url": page_url(article, number - 1),
        "next_url": page.next_url,
    }
    if not shared:
        response = pages.for_the_sender(
            request,
            article,
            lambda waiting: render(
                request,
                "comments/page.html",
                {**context, "waiting": pages.waiting_items(waiting, article) if waiting else ""},
            ),
        )
        response["X-Robots-Tag"] = "noindex, follow"
        return response
    response = render(request, "comments/page.html", context)
    page = pagecache.store(request, scope, version, response, robots="noindex, follow")
    return pagecache.respond(request, page)


@require_safe
def reply_form(request, news_code: int, pk: int):
    """«پاسخ» without JavaScript: the comment being answered and the form, naming it."""
    article = get_object_or_404(Article.objects.published().for_page(), news_code=news_code)
    parent = Comment.objects.threads().filter(article=article, pk=pk).first()
    status = 200
    if parent is None:
        error = NO_PARENT
        status = 404
    elif not parent.takes_replies():
        error = "این گفت‌وگو به سقف پاسخ‌ها رسیده است؛ دیدگاه خود را جداگانه بنویسید."
        status = 409
    else:
        error = ""
    form = CommentForm(article, initial={"parent": pk})
    response = render(
        request,
        "comments/reply.html",
        {
            "article": article,
            "parent": parent if not error else None,
            "parent_html": pages.comment_item(parent) if parent is not None and not error else "",
            "error": error,
            "form": form,
            "reply_to": parent if not error else None,
        },
        status=status,
    )
    pagecache.private(response)
    response["X-Robots-Tag"] = "noindex"
    return response
