"""The numbers an operator watches, in Prometheus's format (prometheus_client).

Under gunicorn every worker writes its counts to files in PROMETHEUS_MULTIPROC_DIR
(gunicorn.conf.py sets it before the app is imported) and a scrape adds them up, so the figures
cover all workers of the machine; each machine is its own scrape target. Without that variable
(tests, `manage.py` commands) the counts live in this process's default registry.

The waiting queue is read from the database at scrape time: the same on every machine, and no
bookkeeping in the request path.
"""

from __future__ import annotations

import os

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

# The *_created series double the output and no alert here uses them.
disable_created_metrics()

REQUESTS = Counter(
    "newsroom_http_requests", "Requests answered, by route name and status", ["route", "status"]
)
LATENCY = Histogram(
    "newsroom_http_request_duration_seconds",
    "Time from the first middleware to the response, by route name",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE = Counter(
    "newsroom_page_cache",
    "Cacheable page requests answered from the cache (hit) or not",
    ["result"],
)
DATABASE_ERRORS = Counter(
    "newsroom_database_errors", "Requests answered 503 because the database was unavailable"
)
CACHE_ERRORS = Counter(
    "newsroom_cache_errors",
    "Cache calls that failed or were skipped by the open breaker",
    ["cache"],
)
COMMENT_POSTS = Counter(
    "newsroom_comment_posts",
    "Comment posts: accepted, or refused (invalid, too_fast, flood, duplicate, bot, unsigned)",
    ["result"],
)
VIEWS_FOLDED = Counter(
    "newsroom_views_folded", "Article views and votes moved from memory into the database"
)


class QueueCollector:
    """The moderation queue's size and the age of its oldest comment, asked at scrape time."""

    def collect(self):
        from django.db import DatabaseError
        from django.db.models import Min
        from django.utils import timezone

        from comments.models import Comment

        try:
            waiting = Comment.objects.pending()
            count = waiting.count()
            oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"] if count else None
        except DatabaseError:
            return  # the database's health is /readyz's to report; no made-up zero here
        size = GaugeMetricFamily("newsroom_comment_queue_size", "Comments waiting for an editor")
        size.add_metric([], count)
        age = GaugeMetricFamily(
            "newsroom_comment_queue_oldest_seconds",
            "Age of the oldest comment waiting for an editor (0: none waiting)",
        )
        age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0)
        yield size
        yield age


class _ThisProcess:
    """The default registry's metrics, inside a registry that also holds the queue."""

    def collect(self):
        return REGISTRY.collect()


def exposition() -> bytes:
    """Every metric of this machine, in Prometheus's text format."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(QueueCollector())
    return generate_latest(registry)
