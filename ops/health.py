"""/healthz and /readyz for a load balancer, systemd and nginx: small JSON, never cached.

They answer from OpsMiddleware, first in the stack: no session, no template, no host check
(a balancer asks by address), no HTTPS redirect (systemd asks over plain HTTP on loopback) and
no rate limit. They say only "ok", "degraded" or "unavailable" per part: no error text, no
version, nothing from the settings.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse

logger = logging.getLogger(__name__)
# Once this process has seen every migration applied it stops asking: migrations are applied
# before the workers start (deploy/newsroom.service) and never unapplied under them.
_migrated = False


def _answer(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; no database, no cache."""
    return _answer({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers with every migration applied (or 503); a cache that does not answer
    is reported as degraded with a 200: the site serves without it, only slower."""
    checks = {"database": _database(), "cache": _cache()}
    if checks["database"] != "ok":
        return _answer({"status": "unavailable", **checks}, status=503)
    return _answer({"status": "ok" if checks["cache"] == "ok" else "degraded", **checks})


def _database() -> str:
    global _migrated
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrated:
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return "migrations pending"
            _migrated = True
    except DatabaseError as error:
        logger.warning("readyz: database unavailable: %s", type(error).__name__)
        return "unavailable"
    return "ok"


def _cache() -> str:
    # Through the resilient wrapper (newsroom/cache.py): a dead cache answers a miss at once.
    token = secrets.token_hex(8)
    cache.set("ops:readyz", token, timeout=30)
    return "ok" if cache.get("ops:readyz") == token else "unavailable"
