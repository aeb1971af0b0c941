from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from articles import pagecache
from articles.models import Article
from articles.views import render_article
from newsroom.security import same_origin_required, sender_hash

from . import notifications
from .forms import CommentForm, signed_time
from .models import Comment

RECEIVED = "دیدگاه شما رسید و پس از تأیید دبیران در همین صفحه منتشر می‌شود."
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
        form.is_valid()  # bound and cleaned, so the page shows the reader's own text again
        form.fresh_security_fields()
        response = render_article(
            request, article, comment_form=form, comment_error=TOO_MANY, status=429
        )
        response["Retry-After"] = "60"
        return response

    if not form.is_valid():
        form.fresh_security_fields()
        status = 200 if form.needs_confirmation_only else 400
        return render_article(request, article, comment_form=form, status=status)

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
        if not Comment.objects.filter(
            article=article, sender_hash=comment.sender_hash, fingerprint=comment.fingerprint
        ).exists():
            raise
    messages.success(request, RECEIVED, extra_tags="comments")
    return redirect(article.get_absolute_url() + "#comments", permanent=False)


@require_safe
def form_token(request, news_code: int):
    """A signed time for the comment form, fetched by site.js when the reader starts writing
    (the page itself is shared, so it cannot carry one)."""
    article = get_object_or_404(Article.objects.published().only("pk"), news_code=news_code)
    response = JsonResponse(signed_time(article.pk))
    pagecache.private(response)
    response["X-Robots-Tag"] = "noindex"
    return response
