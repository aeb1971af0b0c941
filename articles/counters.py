"""Article views, counted in the cache and folded into the database in batches.

A view costs one cache increment, never a database write a reader waits behind. `fold()` moves
the counts into Article.view_count and DailyViews: every VIEW_FOLD_SECONDS from the process
that counted them, when a gunicorn worker exits (gunicorn.conf.py), and from
`manage.py fold_views` (for a shared Redis cache, e.g. from cron). Counts are moved as
"add n to the database, then subtract n in the cache", so views counted meanwhile stay.
"""

import contextlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)
LOCK = "views:fold-lock"
_seen: set[int] = set()  # codes this process counted since its last fold
_last_fold = time.monotonic()


def _key(news_code: int) -> str:
    return f"views:{news_code}"


def record_view(news_code: int) -> None:
    key = _key(news_code)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:  # folded and removed between add and incr
            cache.add(key, 1, timeout=None)
    _seen.add(news_code)
    if time.monotonic() - _last_fold > settings.VIEW_FOLD_SECONDS:
        fold()


def pending(news_code: int) -> int:
    return cache.get(_key(news_code)) or 0


def fold(codes=None) -> int:
    """Move counted views into the database; returns how many were moved."""
    from .models import Article, DailyViews

    global _last_fold
    _last_fold = time.monotonic()
    if not cache.add(LOCK, 1, timeout=60):
        return 0  # another process is folding right now
    try:
        if codes is None:
            codes = set(_seen)
        counts = {}
        codes = list(codes)
        for start in range(0, len(codes), 500):
            chunk = codes[start : start + 500]
            found = cache.get_many([_key(code) for code in chunk])
            counts.update({code: found[_key(code)] for code in chunk if found.get(_key(code))})
        today = timezone.localdate()
        moved = 0
        ids = dict(Article.objects.filter(news_code__in=counts).values_list("news_code", "pk"))
        for code, n in counts.items():
            if code in ids:
                with transaction.atomic():
                    Article.objects.filter(pk=ids[code]).update(view_count=F("view_count") + n)
                    updated = DailyViews.objects.filter(article_id=ids[code], day=today).update(
                        count=F("count") + n
                    )
                    if not updated:
                        try:
                            with transaction.atomic():
                                DailyViews.objects.create(article_id=ids[code], day=today, count=n)
                        except IntegrityError:  # another process created today's row first
                            DailyViews.objects.filter(article_id=ids[code], day=today).update(
                                count=F("count") + n
                            )
                moved += n
            with contextlib.suppress(ValueError):
                cache.decr(_key(code), n)
            _seen.discard(code)
        if moved:
            logger.info("folded %d views of %d articles", moved, len(counts))
        return moved
    finally:
        cache.delete(LOCK)
