"""Rendered public pages kept in the cache until what they show changes.

Each page belongs to a scope ("article:673206", "home") with a version token in the cache.
A stored page remembers the version it was rendered under; changing content replaces the
token, so the next request re-renders. The token is read *before* the database is, so a page
rendered from data that changed mid-render is already stale when stored. One `get_many`
round trip answers a hit, with no database query.
"""

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control


@dataclass(frozen=True)
class Page:
    version: str
    body: bytes
    etag: str
    slug: str = ""  # with path: lets a wrong slug be redirected from the cache too
    path: str = ""


def _page_key(request: HttpRequest, scope: str) -> str:
    # The host is part of the key because canonical links are absolute.
    return f"page:{scope}:{request.get_host()}"


def _version_key(scope: str) -> str:
    return f"page-version:{scope}"


def lookup(request: HttpRequest, scope: str) -> tuple[Page | None, str]:
    """The fresh cached page (or None) and the version a new rendering belongs to."""
    if not settings.ARTICLE_CACHE_SECONDS:
        return None, ""
    page_key, version_key = _page_key(request, scope), _version_key(scope)
    found = cache.get_many([page_key, version_key])
    version = found.get(version_key)
    if version is None:
        cache.add(version_key, uuid.uuid4().hex, timeout=None)
        version = cache.get(version_key)
    page = found.get(page_key)
    if page is not None and page.version == version:
        return page, version
    return None, version


def store(request: HttpRequest, scope: str, version: str, response: HttpResponse, **where) -> Page:
    body = response.content
    page = Page(version, body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"', **where)
    if settings.ARTICLE_CACHE_SECONDS:
        cache.set(_page_key(request, scope), page, timeout=settings.ARTICLE_CACHE_SECONDS)
    return page


def respond(request: HttpRequest, page: Page) -> HttpResponse:
    """The shared page with headers that let browsers and proxies keep it briefly."""
    response = HttpResponse(page.body)
    response["ETag"] = page.etag
    public(response)
    return get_conditional_response(request, etag=page.etag, response=response)


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
        cache.set_many({_version_key(s): uuid.uuid4().hex for s in scopes}, timeout=None)

    bump()
    transaction.on_commit(bump)


def shared_rendering(request: HttpRequest) -> bool:
    """False when a flash message waits for this reader: that page is theirs alone."""
    return CookieStorage.cookie_name not in request.COOKIES


def article_scope(news_code: int) -> str:
    return f"article:{news_code}"


HOME = "home"
