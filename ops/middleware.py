"""The request's id, its log line and its metrics; health and metrics answered first."""

from __future__ import annotations

import logging
import os
import re
import time
import uuid

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from articles import pagecache
from newsroom.security import sender_hash

from . import health, metrics, views

logger = logging.getLogger("newsroom.request")
# What an X-Request-ID from nginx may look like; anything else (too long, spaces, newlines that
# could forge log lines) is replaced by our own.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
ANSWERED_HERE = {"/healthz": health.healthz, "/readyz": health.readyz, "/metrics": views.metrics}


class OpsMiddleware:
    """First in the stack. /healthz, /readyz and /metrics are answered here, before host
    validation, redirects and sessions, and are left out of the request log and metrics (a
    probe every few seconds is noise). Every other request gets an id (nginx's X-Request-ID
    or a new one, sent back in the response), one log line and its metrics."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        answer = ANSWERED_HERE.get(request.path_info)
        if answer is not None:
            return answer(request)

        given = request.headers.get("X-Request-ID", "")
        request.id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        queries = _QueryCount()
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        seconds = time.perf_counter() - started
        response["X-Request-ID"] = request.id

        route = route_name(request)
        known = getattr(request, "_pagecache", None)  # set where pagecache.lookup decides
        page_cache = "-" if known is None else ("hit" if known[1] is not None else "miss")
        metrics.REQUESTS.labels(route, str(response.status_code)).inc()
        metrics.LATENCY.labels(route).observe(seconds)
        if page_cache != "-":
            metrics.PAGE_CACHE.labels(page_cache).inc()

        slow = seconds * 1000 >= settings.SLOW_REQUEST_MS
        if slow or logger.isEnabledFor(logging.DEBUG) or settings.LOG_FORMAT == "json":
            fields = {
                "request_id": request.id,
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "page_cache": page_cache,
                "queries": queries.count,
                "worker": os.getpid(),
                # The same keyed hash the comments keep, never the address itself.
                "client": sender_hash(request),
            }
            logger.log(
                logging.WARNING if slow else logging.INFO,
                "%s %s %s %.1f ms%s",
                request.method,
                route,
                response.status_code,
                seconds * 1000,
                " (slow)" if slow else "",
                extra=fields,
            )
        return response


class _QueryCount:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def route_name(request: HttpRequest) -> str:
    """The URL pattern's name (articles:detail), never the path with its personal parts."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or "unnamed"
    # Page-cache hits and static files are answered before URL dispatch.
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    view_name, _ = pagecache.route(request.path_info)  # resolved once per path
    return view_name or "unmatched"
