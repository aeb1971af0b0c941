"""Article views and helpful votes, counted in this process's memory and folded in batches.

A view or a vote costs a dictionary increment: no database write a reader waits behind, no
cache call that an outage could fail, and no page re-render (a vote used to invalidate the
cached article on every click). `fold()` moves the counts into Article.view_count,
helpful_yes/helpful_no and DailyViews: from the counting process once VIEW_FOLD_SECONDS have
passed since its last fold, and when a gunicorn worker exits (gunicorn.conf.py). Only codes in
the valid range are ever counted (the URL converter refuses the rest), codes of articles that
do not exist are dropped at the fold, and a fold that cannot reach the database keeps its
counts for the next one.
"""

import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ops import metrics

logger = logging.getLogger(__name__)
VIEWS, YES, NO = "view_count", "helpful_yes", "helpful_no"
# Distinct counts kept before a fold is forced: memory stays bounded under a flood of codes.
MAX_PENDING = 10_000

_pending: Counter[tuple[int, str]] = Counter()
_lock = threading.Lock()
_last_fold = time.monotonic()


def _count(news_code: int, field: str) -> None:
    with _lock:
        _pending[news_code, field] += 1
        due = (
            time.monotonic() - _last_fold > settings.VIEW_FOLD_SECONDS
            or len(_pending) > MAX_PENDING
        )
    if due:
        fold()


def record_view(news_code: int) -> None:
    _count(news_code, VIEWS)


def record_vote(news_code: int, *, helpful: bool) -> None:
    _count(news_code, YES if helpful else NO)


def pending(news_code: int, field: str = VIEWS) -> int:
    """Counted here and not yet in the database."""
    return _pending.get((news_code, field), 0)


def fold() -> int:
    """Move this process's counts into the database; returns how many were moved."""
    from .models import Article, DailyViews

    global _last_fold
    with _lock:
        _last_fold = time.monotonic()
        taken = _pending.copy()
        _pending.clear()
    if not taken:
        return 0
    moved = 0
    try:
        codes = {code for code, _ in taken}
        ids = dict(Article.objects.filter(news_code__in=codes).values_list("news_code", "pk"))
        today = timezone.localdate()
        with transaction.atomic():
            for (code, field), n in taken.items():
                if code not in ids:
                    continue  # no such article: dropped
                Article.objects.filter(pk=ids[code]).update(**{field: F(field) + n})
                if field == VIEWS:
                    _add_daily(DailyViews, ids[code], today, n)
                moved += n
    except DatabaseError:
        logger.warning("could not fold %d counts; kept for the next fold", sum(taken.values()))
        with _lock:
            _pending.update(taken)
        return 0
    if moved:
        metrics.VIEWS_FOLDED.inc(moved)
        logger.info("folded %d views and votes of %d articles", moved, len(ids))
    return moved


def _add_daily(model, article_id: int, day, n: int) -> None:
    if model.objects.filter(article_id=article_id, day=day).update(count=F("count") + n):
        return
    try:
        with transaction.atomic():
            model.objects.create(article_id=article_id, day=day, count=n)
    except IntegrityError:  # another process created today's row first
        model.objects.filter(article_id=article_id, day=day).update(count=F("count") + n)
