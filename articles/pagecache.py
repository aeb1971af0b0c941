"""Rendered public pages kept in the cache until what they show changes.

Each page belongs to a scope ("article:673206", "home") with a version: a row of PageVersion,
replaced in the same transaction as any change the page shows (an approval, a reply, an edit),
so the version follows the database whatever happens to the cache. The cache keeps a copy of
the version for PAGE_VERSION_SECONDS (a hit then runs no query) and the rendered pages under
it. The version is read *before* the database is, so a page rendered from data that changed
mid-render is already stale when stored.

If a decision's cache update is lost (the cache was down), the stale copy of its version lives
at most PAGE_VERSION_SECONDS; while the cache is down, versions are read from the database on
every request and pages are served from this process's own copies, which expire too.

PageCacheMiddleware answers hits right after the security headers and static files, before
sessions, CSRF, auth or URL dispatch run, so a cached article costs about what a static file
does. Pages are stored gzipped too (they hold no secret, so compression leaks nothing), so
neither the app nor nginx compresses the same bytes on every request.
"""

import gzip
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control

logger = logging.getLogger(__name__)
HOME = "home"
# The lists beside every article (related, latest and most viewed of its section).
LISTS = "lists"
NO_ROW = "0"  # the version of a page nothing has changed since the database was loaded


@dataclass(frozen=True)
class Page:
    version: str
    body: bytes
    gzipped: bytes
    etag: str
    slug: str = ""  # with path: lets a wrong slug be redirected from the cache too
    path: str = ""
    # When the next scheduled article goes live (epoch seconds): every cached page lists
    # articles, so none may outlive that moment.
    fresh_until: float = float("inf")
    robots: str = ""  # X-Robots-Tag (comment pages are kept out of search indexes)


# This process's own copies of recent pages: a hit then costs one small version read instead
# of fetching and unpickling a 100 KB page from the cache. Always checked against the current
# version, and dropped after ARTICLE_CACHE_SECONDS whatever happens.
_memo: dict[str, tuple[Page, float]] = {}
_memo_lock = threading.Lock()
MEMO_PAGES = 128


def _remember(key: str, page: Page) -> None:
    with _memo_lock:
        _memo.pop(key, None)
        _memo[key] = (page, time.monotonic() + settings.ARTICLE_CACHE_SECONDS)
        while len(_memo) > MEMO_PAGES:
            _memo.pop(next(iter(_memo)))


def _recall(key: str, version: str) -> Page | None:
    page, expires = _memo.get(key, (None, 0.0))
    if page is None or page.version != version or time.monotonic() > expires:
        return None
    return page


def _current(page: Page | None, version: str) -> bool:
    return page is not None and page.version == version and time.time() < page.fresh_until


NEXT_PUBLISH = "next-publish"


def next_publish() -> float:
    """When the next scheduled article goes live (epoch seconds; infinity if none): from the
    cache's copy, or the database once that copy is missing or has passed."""
    moment = cache.get(NEXT_PUBLISH)
    if moment is None or moment <= time.time():
        moment = refresh_next_publish()
    return moment


def refresh_next_publish() -> float:
    from django.db.models import Min
    from django.utils import timezone

    from .models import Article

    try:
        upcoming = Article.objects.filter(
            status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
        ).aggregate(first=Min("published_at"))["first"]
    except DatabaseError:
        return time.time() + settings.PUBLIC_MAX_AGE  # unknown: keep pages briefly
    moment = upcoming.timestamp() if upcoming else float("inf")
    cache.set(NEXT_PUBLISH, moment, timeout=settings.PAGE_VERSION_SECONDS)
    return moment


def article_scope(news_code: int) -> str:
    return f"article:{news_code}"


def content_scope(news_code: int) -> str:
    """What an article itself says (its sections, tags, structured data), not its comments:
    the version its fragments are kept under, so an approval does not re-render them."""
    return f"content:{news_code}"


def comments_scope(news_code: int, number: int) -> str:
    """Comment page `number` (2 and after) of an article (comments.models.page_scope)."""
    return f"comments:{news_code}:{number}"


def _version_key(scope: str) -> str:
    return f"page-version:{scope}"


@lru_cache(maxsize=1)
def _shared_hosts() -> frozenset[str]:
    names = {h for h in settings.ALLOWED_HOSTS if not h.startswith(".") and h != "*"}
    return frozenset(names | {f"{h}:{settings.SERVED_PORT}" for h in names})


def _page_key(request: HttpRequest, scope: str) -> str | None:
    """Where this request's copy of the page lives, or None when it must not be stored.

    The links in a page are absolute: with DJANGO_SITE_URL they are the same for every request
    and the key is the scope alone; without it they follow the request, so only the configured
    host names (bare or with the served port) are stored, and a stream of made-up Host or
    scheme variants cannot multiply the copies.
    """
    if settings.SITE_URL:
        return f"page:{scope}"
    host = request.get_host()
    if host not in _shared_hosts():
        return None
    return f"page:{scope}:{request.scheme}://{host}"


# A reader's own comments still waiting for the editors (comments/waiting.py): signed, scoped
# to the article's path, so only that reader's pages of that article are rendered for them.
WAITING_COOKIE = "comments_waiting"
WAITING_SALT = "comments.waiting"


def known_host(request: HttpRequest) -> bool:
    """Whether what is rendered for this request's host may be kept: always with
    DJANGO_SITE_URL (links do not follow the host), else only for the configured host names,
    so made-up Host headers cannot multiply kept copies (see _page_key)."""
    return bool(settings.SITE_URL) or request.get_host() in _shared_hosts()


def shared_rendering(request: HttpRequest) -> bool:
    """False when a flash message or the reader's own waiting comment is for this reader:
    that page is theirs alone.

    Only validly signed cookies count; anybody can send `Cookie: messages=x`, and that must not
    buy them a fresh rendering of a hot page.
    """
    if request.COOKIES.get(WAITING_COOKIE) is not None and request.get_signed_cookie(
        WAITING_COOKIE, default=None, salt=WAITING_SALT
    ):
        return False
    raw = request.COOKIES.get(CookieStorage.cookie_name)
    if raw is None:
        return True
    # _decode is how CookieStorage itself reads the cookie: None unless the signature holds.
    return not CookieStorage(request)._decode(raw)


def current_version(scope: str) -> str | None:
    """The scope's version: the cache's copy, or the database's (None if neither answers)."""
    version = cache.get(_version_key(scope))
    if version is not None:
        return version
    from .models import PageVersion

    try:
        version = PageVersion.objects.filter(scope=scope).values_list("version", flat=True).first()
    except DatabaseError:
        return None
    if version is None:
        return NO_ROW  # nothing is cached for a page without a row: junk makes no keys
    # Back into the cache for the next hits (a committed change's newer copy wins: add).
    cache.add(_version_key(scope), version, timeout=settings.PAGE_VERSION_SECONDS)
    return version


def lookup(request: HttpRequest, scope: str) -> tuple[Page | None, str | None]:
    """The fresh cached page (or None) and the version a new rendering belongs to."""
    if not settings.ARTICLE_CACHE_SECONDS:
        return None, None
    known = getattr(request, "_pagecache", None)
    if known and known[0] == scope:  # the middleware looked already
        return known[1], known[2]
    version = current_version(scope)
    key = _page_key(request, scope)
    page = None
    if version is not None and key is not None:
        page = _recall(key, version)
        if not _current(page, version):
            page = cache.get(key)
            if _current(page, version):
                _remember(key, page)
            else:
                page = None
    request._pagecache = (scope, page, version)
    return page, version


def store(
    request: HttpRequest, scope: str, version: str | None, response: HttpResponse, **where
) -> Page:
    """The rendered page as a Page; kept only if its version and key are known, so an unknown
    or failed page never creates a key."""
    if version == NO_ROW:
        version = first_version(scope)
    body = response.content
    key = _page_key(request, scope)
    kept = bool(settings.ARTICLE_CACHE_SECONDS and version is not None and key is not None)
    page = Page(
        version or "",
        body,
        # A kept page is compressed once, well; one served once is compressed only if the
        # client takes gzip, and fast (respond()).
        gzip.compress(body, compresslevel=6, mtime=0) if kept else b"",
        f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"',
        fresh_until=next_publish() if version else float("inf"),
        **where,
    )
    if kept:
        cache.add(_version_key(scope), version, timeout=settings.PAGE_VERSION_SECONDS)
        cache.set(key, page, timeout=settings.ARTICLE_CACHE_SECONDS)
        _remember(key, page)
    return page


def first_version(scope: str) -> str | None:
    """Give a page that rendered fine its first version row (never for unknown pages, which
    fail to render); None if a change got there first, so this rendering is not kept."""
    from .models import PageVersion

    fresh = uuid.uuid4().hex
    try:
        PageVersion.objects.bulk_create(
            [PageVersion(scope=scope, version=fresh)], ignore_conflicts=True
        )
        current = PageVersion.objects.filter(scope=scope).values_list("version", flat=True)
        if current.first() != fresh:
            return None
    except DatabaseError:
        return None
    cache.add(_version_key(scope), fresh, timeout=settings.PAGE_VERSION_SECONDS)
    return fresh


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (RFC 9110: `gzip;q=0` refuses it)."""
    wildcard = None
    for item in header.lower().split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding == "gzip":
            return quality > 0
        if coding == "*":
            wildcard = quality > 0
    return bool(wildcard)


def respond(request: HttpRequest, page: Page) -> HttpResponse:
    """The shared page, gzipped when the client accepts it, with headers that let browsers
    and proxies keep it briefly and revalidate it with If-None-Match. Headers are set
    directly: this runs for every hit."""
    compressed = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    etag = page.etag[:-1] + '-gzip"' if compressed else page.etag
    if request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since"):
        response = get_conditional_response(request, etag=etag)
        if response is not None:  # 304 Not Modified (or 412)
            response["Vary"] = "Accept-Encoding"
            return response
    if compressed:
        body = page.gzipped or gzip.compress(page.body, compresslevel=1, mtime=0)
    else:
        body = page.body
    response = HttpResponse(body)
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(response.content))
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    if page.robots:
        response["X-Robots-Tag"] = page.robots
    public(response)
    return response


def public(response: HttpResponse) -> None:
    seconds = settings.PUBLIC_MAX_AGE
    patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)


def private(response: HttpResponse) -> None:
    patch_cache_control(response, private=True, no_cache=True, no_store=True)


def invalidate(scopes: Iterable[str]) -> None:
    """Give these pages a new version, in the caller's transaction: the change and the pages'
    refresh commit together or not at all. Once committed, the cache's copies of the versions
    are replaced too; if that fails, they expire within PAGE_VERSION_SECONDS."""
    from .models import PageVersion

    scopes = sorted(set(scopes))
    if not scopes:
        return
    version = uuid.uuid4().hex
    # Until the change commits, readers take the version from the database (the old one there);
    # once it commits, the cache learns the new one.
    cache.delete_many([_version_key(scope) for scope in scopes])
    PageVersion.objects.bulk_create(
        [PageVersion(scope=scope, version=version) for scope in scopes],
        update_conflicts=True,
        unique_fields=["scope"],
        update_fields=["version"],
    )
    transaction.on_commit(
        lambda: cache.set_many(
            {_version_key(scope): version for scope in scopes},
            timeout=settings.PAGE_VERSION_SECONDS,
        )
    )


def fragment(name: str, scope: str, build, *, seconds: int | None = None):
    """A piece of a page rendered once per version of `scope` and reused by every rendering
    until a change gives the scope a new version (or `seconds` pass): how a page that is not
    in the page cache still renders its comments and lists without querying for them.

    Independent of ARTICLE_CACHE_SECONDS, so the page cache can be off and the fragments on.
    """
    version = current_version(scope)
    if version is None:  # neither the cache nor the database answers: render, keep nothing
        return build()
    key = f"fragment:{FRAGMENT_FORMAT}:{name}:{version}"
    found, expires = _fragments.get(key, (None, 0.0))
    if found is not None and time.monotonic() < expires:
        return found
    # Stored in a tuple: a bare str comes back from some backends (diskcache) as plain str,
    # and the template would escape HTML that was marked safe when it was rendered.
    kept = cache.get(key)
    if kept is not None:
        found = kept[0]
    else:
        if version == NO_ROW:
            version = first_version(scope)
            if version is None:
                return build()
            key = f"fragment:{FRAGMENT_FORMAT}:{name}:{version}"
        found = build()
        cache.set(key, (found,), timeout=seconds or settings.FRAGMENT_SECONDS)
    with _memo_lock:
        _fragments[key] = (found, time.monotonic() + min(seconds or 60, 60))
        while len(_fragments) > MEMO_FRAGMENTS:
            _fragments.pop(next(iter(_fragments)))
    return found


_fragments: dict[str, tuple[str, float]] = {}
# Part of every fragment's key: change it when what a fragment holds changes shape, so a new
# release never reads an older release's fragments from a shared cache.
FRAGMENT_FORMAT = 6
MEMO_FRAGMENTS = 512


class PageCacheMiddleware:
    """Serve cached article and home pages before the rest of the middleware stack."""

    ARTICLE_VIEWS = {"articles:detail", "articles:detail_short"}
    COMMENT_PAGES = "comments:page"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method in ("GET", "HEAD") and shared_rendering(request):
            answer = self.cached(request)
            if answer is not None:
                return answer
        return self.get_response(request)

    def cached(self, request: HttpRequest) -> HttpResponse | None:
        view_name, kwargs = route(request.path_info)
        if view_name in self.ARTICLE_VIEWS:
            page, _ = lookup(request, article_scope(kwargs["news_code"]))
            if page is not None and kwargs.get("slug") != page.slug:
                return HttpResponsePermanentRedirect(page.path)
        elif view_name == "articles:home" and not request.GET:
            page, _ = lookup(request, HOME)
        elif view_name == self.COMMENT_PAGES and not request.GET:
            page, _ = lookup(request, comments_scope(kwargs["news_code"], kwargs["number"]))
        else:
            return None
        return respond(request, page) if page is not None else None


@lru_cache(maxsize=4096)
def route(path: str) -> tuple[str | None, dict]:
    """URL resolution, remembered per path (the URLconf does not change while running)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None, {}
    return match.view_name, match.kwargs
