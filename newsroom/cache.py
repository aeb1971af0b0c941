"""The cache as an accelerator, never a dependency: the one seam every cache call goes through.

Each backend here is Django's own (RedisCache) or diskcache's, with three things added:

- a per-process circuit breaker (pybreaker): the first failed or timed-out call opens it, and for
  `CACHE_RETRY_SECONDS` every call answers at once from the fallback instead of waiting on a
  dead or hung server again; then one call is let through to see whether it is back;
- a fallback for while it is open: "miss" (reads find nothing, writes are dropped: the page cache
  then renders from the database, which holds the truth) or "local" (this process's own memory:
  what the flood limits count in until the shared store is back);
- an expiry on every key: a write without one gets `CACHE_MAX_SECONDS`, so nothing the app
  writes can stay forever.

Connect and read timeouts are set where the client is configured (newsroom/settings.py).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from urllib.parse import urlsplit

import pybreaker
from diskcache import Timeout as DiskTimeout
from diskcache.djangocache import DjangoCache
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from ops import metrics

logger = logging.getLogger(__name__)

_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()


class _Announce(pybreaker.CircuitBreakerListener):
    """One log line when a cache goes away and one when it is back, not one per request."""

    def state_change(self, cb, old_state, new_state):
        if new_state.name == pybreaker.STATE_OPEN:
            logger.warning("cache %s unavailable: serving without it", cb.name)
        elif new_state.name == pybreaker.STATE_CLOSED:
            logger.warning("cache %s is back", cb.name)


def breaker(name: str) -> pybreaker.CircuitBreaker:
    """The breaker of one cache server, shared by every alias pointing at it in this process."""
    with _breakers_lock:
        if name not in _breakers:
            _breakers[name] = pybreaker.CircuitBreaker(
                fail_max=1,
                reset_timeout=settings.CACHE_RETRY_SECONDS,
                # A missing key is an answer, not a failure (Django raises ValueError for incr).
                exclude=[ValueError, KeyError],
                listeners=[_Announce()],
                name=name,
            )
        return _breakers[name]


def _without_credentials(location: str) -> str:
    parts = urlsplit(str(location))
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


class Resilient:
    """Mixin for a Django cache backend; see the module docstring."""

    unavailable: tuple[type[BaseException], ...] = (OSError,)
    kind = "cache"  # the metrics' label

    def __init__(self, server, params):
        super().__init__(server, params)
        # Named without any password the URL may carry: the name is logged.
        self._breaker = breaker(f"{type(self).__name__}:{_without_credentials(server)}")
        self._local = None
        if params.get("FALLBACK") == "local":
            self._local = LocMemCache(f"fallback:{server}", {"OPTIONS": {"MAX_ENTRIES": 50_000}})

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        seconds = super().get_backend_timeout(timeout)
        limit = settings.CACHE_MAX_SECONDS
        return limit if seconds is None else min(seconds, limit)

    def _call(self, name: str, miss, *args, **kwargs):
        try:
            return self._breaker.call(getattr(super(), name), *args, **kwargs)
        except (pybreaker.CircuitBreakerError, *self.unavailable):
            metrics.CACHE_ERRORS.labels(self.kind).inc()
            if self._local is not None:
                return getattr(self._local, name)(*args, **kwargs)
            if isinstance(miss, type) and issubclass(miss, Exception):
                raise miss("cache unavailable") from None
            return miss

    @property
    def available(self) -> bool:
        return self._breaker.current_state != pybreaker.STATE_OPEN

    # Every public operation, each with what it answers while the cache is away ("miss").
    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default=default, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout=timeout, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout=timeout, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", ValueError, key, delta=delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version=version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version=version)

    def clear(self):
        if self._local is not None:
            self._local.clear()
        return self._call("clear", None)


class ResilientRedisCache(Resilient, RedisCache):
    """Django's RedisCache; CACHE_URL=redis://… selects it (newsroom/settings.py)."""

    unavailable = (RedisError, OSError)
    kind = "redis"


class ResilientDiskCache(Resilient, DjangoCache):
    """The embedded default: diskcache's SQLite files under SHARED_CACHE_DIR, which every worker
    on the machine shares (so limits and page versions hold across workers) and which junk
    cannot evict (no eviction policy; expired keys are culled)."""

    unavailable = (DiskTimeout, sqlite3.Error, OSError)
    kind = "disk"

    def close(self, **kwargs):
        # Django closes every cache at the end of each request; for diskcache that meant a new
        # SQLite connection and ten PRAGMAs on the next one (0.4 ms a hit). Its connections are
        # per thread and reopened after a fork, so they stay open for the process's life.
        return None
