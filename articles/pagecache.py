"""Rendered public pages kept in the cache until what they show changes.

Each page belongs to a scope ("article:673206", "home") with a version token in the "shared"
cache, which every process sees (the page bodies may live in each process's own memory).
A stored page remembers the version it was rendered under; changing content replaces the
token, so the next request re-renders. The token is read *before* the database is, so a page
rendered from data that changed mid-render is already stale when stored. A hit costs a
version read (and, the first time in a process, a page read) and no database query.

PageCacheMiddleware answers hits right after the security headers and static files, before
sessions, CSRF, auth or URL dispatch run, so a cached article costs about what a static file
does. Pages are stored gzipped too (they hold no secret, so compression leaks nothing), so
neither the app nor nginx compresses the same bytes on every request.
"""

import gzip
import hashlib
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control

HOME = "home"


@dataclass(frozen=True)
class Page:
    version: str
    body: bytes
    gzipped: bytes
    etag: str
    slug: str = ""  # with path: lets a wrong slug be redirected from the cache too
    path: str = ""


# This process's own copies of recent pages: a hit then costs one small version read instead
# of fetching and unpickling a 100 KB page from the cache. Always checked against the shared
# version, so a copy is never served stale.
_memo: dict[str, Page] = {}
_memo_lock = threading.Lock()
MEMO_PAGES = 128


def _remember(key: str, page: Page) -> None:
    with _memo_lock:
        _memo.pop(key, None)
        _memo[key] = page
        while len(_memo) > MEMO_PAGES:
            _memo.pop(next(iter(_memo)))


def article_scope(news_code: int) -> str:
    return f"article:{news_code}"


def _page_key(request: HttpRequest, scope: str) -> str:
    # The host is part of the key because canonical links are absolute.
    return f"page:{scope}:{request.get_host()}"


def _version_key(scope: str) -> str:
    return f"page-version:{scope}"


def shared_rendering(request: HttpRequest) -> bool:
    """False when a flash message waits for this reader: that page is theirs alone."""
    return CookieStorage.cookie_name not in request.COOKIES


def lookup(request: HttpRequest, scope: str) -> tuple[Page | None, str]:
    """The fresh cached page (or None) and the version a new rendering belongs to."""
    if not settings.ARTICLE_CACHE_SECONDS:
        return None, ""
    known = getattr(request, "_pagecache", None)
    if known and known[0] == scope:  # the middleware looked already
        return known[1], known[2]
    versions = caches["shared"]
    version_key = _version_key(scope)
    version = versions.get(version_key)
    if version is None:
        versions.add(version_key, uuid.uuid4().hex, timeout=None)
        version = versions.get(version_key)
    page_key = _page_key(request, scope)
    page = _memo.get(page_key)
    if page is None or page.version != version:
        page = cache.get(page_key)
        if page is None or page.version != version:
            page = None
        else:
            _remember(page_key, page)
    request._pagecache = (scope, page, version)
    return page, version


def store(request: HttpRequest, scope: str, version: str, response: HttpResponse, **where) -> Page:
    body = response.content
    page = Page(
        version,
        body,
        gzip.compress(body, compresslevel=6, mtime=0),
        f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"',
        **where,
    )
    if settings.ARTICLE_CACHE_SECONDS:
        cache.set(_page_key(request, scope), page, timeout=settings.ARTICLE_CACHE_SECONDS)
        _remember(_page_key(request, scope), page)
    return page


def respond(request: HttpRequest, page: Page) -> HttpResponse:
    """The shared page, gzipped when the client accepts it, with headers that let browsers
    and proxies keep it briefly and revalidate it with If-None-Match. Headers are set
    directly: this runs for every hit."""
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    etag = page.etag[:-1] + '-gzip"' if compressed else page.etag
    if request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since"):
        response = get_conditional_response(request, etag=etag)
        if response is not None:  # 304 Not Modified (or 412)
            response["Vary"] = "Accept-Encoding"
            return response
    response = HttpResponse(page.gzipped if compressed else page.body)
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(response.content))
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    public(response)
    return response


def public(response: HttpResponse) -> None:
    seconds = settings.PUBLIC_MAX_AGE
    patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)


def private(response: HttpResponse) -> None:
    patch_cache_control(response, private=True, no_cache=True, no_store=True)


def invalidate(scopes: Iterable[str]) -> None:
    """Mark these pages stale now, and again once the transaction commits (a page rendered
    in between from the old rows must not survive)."""
    scopes = list(scopes)
    if not scopes:
        return

    def bump():
        caches["shared"].set_many({_version_key(s): uuid.uuid4().hex for s in scopes}, timeout=None)

    bump()
    transaction.on_commit(bump)


class PageCacheMiddleware:
    """Serve cached article and home pages before the rest of the middleware stack."""

    ARTICLE_VIEWS = {"articles:detail", "articles:detail_short"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method in ("GET", "HEAD") and shared_rendering(request):
            answer = self.cached(request)
            if answer is not None:
                return answer
        return self.get_response(request)

    def cached(self, request: HttpRequest) -> HttpResponse | None:
        view_name, kwargs = _route(request.path_info)
        if view_name in self.ARTICLE_VIEWS:
            page, _ = lookup(request, article_scope(kwargs["news_code"]))
            if page is not None and kwargs.get("slug") != page.slug:
                return HttpResponsePermanentRedirect(page.path)
        elif view_name == "articles:home" and not request.GET:
            page, _ = lookup(request, HOME)
        else:
            return None
        return respond(request, page) if page is not None else None


@lru_cache(maxsize=4096)
def _route(path: str) -> tuple[str | None, dict]:
    """URL resolution, remembered per path (the URLconf does not change while running)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None, {}
    return match.view_name, match.kwargs
