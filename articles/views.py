import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.files.storage import default_storage
from django.db.models import Count, OuterRef, Subquery, Sum, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import ListView
from django_ratelimit.decorators import ratelimit

from newsroom.persian import fa_digits, iso_datetime
from newsroom.security import same_origin_required

from . import counters, images, pagecache
from .models import PREVIEW_SALT, Article, Category, Tag

PREVIEW_MAX_AGE = 30 * 24 * 60 * 60  # a preview link sent to a colleague works for a month


def absolute_url(request: HttpRequest, path: str) -> str:
    """Canonical links use DJANGO_SITE_URL when set, so a proxy's host name never leaks in."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


class HomeView(ListView):
    template_name = "articles/home.html"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().select_related("category")

    def get(self, request, *args, **kwargs):
        # Only the plain first page is shared; ?page=N and flash-message views render fresh.
        if request.GET or not pagecache.shared_rendering(request):
            response = super().get(request, *args, **kwargs)
            if request.COOKIES:
                pagecache.private(response)
            else:
                pagecache.public(response)
            return response
        # Hits were answered by PageCacheMiddleware; this renders and stores a miss.
        _, version = pagecache.lookup(request, pagecache.HOME)
        response = super().get(request, *args, **kwargs).render()
        return pagecache.respond(
            request, pagecache.store(request, pagecache.HOME, version, response)
        )


class _FilteredListView(ListView):
    """Published articles of one category or tag, newest first."""

    template_name = "articles/article_list.html"
    paginate_by = 20
    model: type[Category] | type[Tag]

    def get_queryset(self):
        self.group = get_object_or_404(self.model, slug=self.kwargs["slug"])
        return self.filter_articles(Article.objects.published()).select_related("category")

    def get_context_data(self, **kwargs):
        return super().get_context_data(group=self.group, **kwargs)


class CategoryView(_FilteredListView):
    model = Category

    def filter_articles(self, articles):
        return articles.filter(category=self.group)


class TagView(_FilteredListView):
    model = Tag

    def filter_articles(self, articles):
        return articles.filter(tags=self.group)


@require_safe
def article_detail(request: HttpRequest, news_code: int, slug: str | None = None):
    # Hits (and wrong-slug redirects of cached pages) were answered by PageCacheMiddleware;
    # this renders a miss. The version is read before the database, see pagecache.
    shared = pagecache.shared_rendering(request)
    scope = pagecache.article_scope(news_code)
    _, version = pagecache.lookup(request, scope) if shared else (None, None)
    article = get_object_or_404(Article.objects.published().for_page(), news_code=news_code)
    if slug != article.slug:
        # /news/<code>/ and stale or mistyped slugs all lead to the one canonical address.
        return redirect(article, permanent=True)
    if not shared:
        return render_private(request, article)
    if version == pagecache.NO_ROW:
        # A page never rendered before: its first version is made before its fragments read
        # anything (they share it), so this first rendering can be kept.
        version = pagecache.first_version(scope)
    response = render_article(request, article)
    page = pagecache.store(
        request, scope, version, response, slug=article.slug, path=article.get_absolute_url()
    )
    return pagecache.respond(request, page)


def render_private(request: HttpRequest, article: Article, **extra) -> HttpResponse:
    """The page for one reader: their flash message, and their own comments still waiting
    for the editors (comments.pages), which nobody else's page shows."""
    from comments import pages

    return pages.for_the_sender(
        request,
        article,
        lambda waiting: render_article(request, article, waiting_comments=waiting, **extra),
    )


# «پربازدیدترین‌های گروه» moves with every fold of the views; the lists beside an article are
# otherwise kept until an article is published or edited (pagecache.LISTS).
LISTS_SECONDS = 300


def render_article(
    request: HttpRequest, article: Article, *, status: int = 200, preview: bool = False, **extra
):
    """The article page; the comment view re-renders it with the reader's bound form.

    What only an edit changes (the body, its tags, the structured data) and the lists beside
    it are fragments (pagecache.fragment), and so are the comments (comments.pages): an
    uncached render queries the article row and little else.
    """
    code = article.news_code

    def parts() -> dict[str, str]:
        prefetch_related_objects([article], "sections", "tags")
        canonical_url = absolute_url(request, article.get_absolute_url())
        short_url = absolute_url(request, reverse("articles:short", args=[code]))
        context = {
            "article": article,
            "canonical_url": canonical_url,
            "short_url": short_url,
            "site_name": settings.SITE_NAME,
            "structured_data": structured_data(article, canonical_url, request),
            "card_url": card_url(request, article),
            "card_alt": article.image_alt if article.image else article.headline,
        }
        parts = {
            part: render_to_string(f"articles/parts/{part}.html", context)
            for part in ("head", "header", "body", "footer")
        }
        return {
            **parts,
            "feeds": format_html(
                '<link rel="alternate" type="application/rss+xml" title="{} | {}" href="{}">',
                settings.SITE_NAME,
                article.category.name,
                reverse("articles:category_feed", args=[article.category.slug]),
            ),
            "pixel": format_html(
                '<img class="pixel" src="{}" alt="" width="1" height="1">',
                reverse("articles:count_view", args=[code]),
            ),
            "helpful_url": reverse("articles:helpful", args=[code]),
        }

    def lists() -> str:
        return render_to_string("articles/related.html", lists_context(article))

    if preview:
        article_parts, around = parts(), lists()
    else:
        if pagecache.known_host(request):
            # Its links are absolute: they follow the request's scheme and host when
            # DJANGO_SITE_URL is not set (absolute_url).
            origin = settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
            where = hashlib.blake2b(origin.encode(), digest_size=8).hexdigest()
            article_parts = pagecache.fragment(
                f"content:{code}:{where}", pagecache.content_scope(code), parts
            )
        else:
            article_parts = parts()  # links naming an unconfigured host: rendered, not kept
        # Named after the next scheduled publication, so the lists change when it goes live;
        # their links are paths, the same for every host.
        name = f"lists:{code}:{pagecache.next_publish()}"
        around = pagecache.fragment(name, pagecache.LISTS, lists, seconds=LISTS_SECONDS)
    context = {
        "article": article,
        "parts": article_parts,
        "lists": around,
        "preview": preview,
        **extra,
    }
    return render(request, "articles/article_detail.html", context, status=status)


def lists_context(article: Article) -> dict:
    # The lists need a headline and an address only.
    published = (
        Article.objects.published().exclude(pk=article.pk).only("headline", "news_code", "slug")
    )
    week_ago = timezone.localdate() - timedelta(days=settings.MOST_VIEWED_DAYS)
    return {
        "article": article,
        "latest_in_section": published.filter(category=article.category)[:5],
        "most_viewed_in_section": published.filter(
            category=article.category, daily_views__day__gte=week_ago
        )
        .annotate(recent_views=Sum("daily_views__count"))
        .order_by("-recent_views", "-published_at")[:5],
        "related": related_by_tags(
            published,
            list(
                Article.tags.through.objects.filter(article=article).values_list(
                    "tag_id", flat=True
                )
            ),
        ),
    }


def related_by_tags(articles, tag_ids: list[int]):
    """Articles sharing the most of these tags, newest first among equals. Driven from the
    tag links (a tag has few articles) rather than from the articles table."""
    links = Article.tags.through.objects.filter(tag_id__in=tag_ids)
    shared = (
        links.filter(article_id=OuterRef("pk"))
        .values("article_id")
        .annotate(n=Count("tag_id"))
        .values("n")
    )
    return (
        articles.filter(pk__in=links.values("article_id"))
        .annotate(shared_tags=Subquery(shared))
        .order_by("-shared_tags", "-published_at")[:5]
    )


@require_safe
def preview(request: HttpRequest, token: str):
    """A draft or scheduled article as readers will see it: staff only, through a signed
    link; never cached, never counted, marked «پیش‌نمایش»."""
    if not (request.user.is_active and request.user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    try:
        pk = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        raise Http404("پیوند پیش‌نمایش معتبر نیست.") from None
    article = get_object_or_404(Article.objects.for_page(), pk=pk)
    response = render_article(request, article, preview=True)
    pagecache.private(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def short_link(request: HttpRequest, news_code: int):
    article = get_object_or_404(
        Article.objects.published().only("news_code", "slug"), news_code=news_code
    )
    return redirect(article, permanent=True)


# A 1×1 transparent GIF: the page is shared and cached, so each reading is counted by this
# request, which no cache keeps.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


@require_safe
def count_view(request: HttpRequest, news_code: int):
    counters.record_view(news_code)
    response = HttpResponse(PIXEL, content_type="image/gif")
    pagecache.private(response)
    return response


@csrf_exempt  # same_origin_required instead: the page carries no per-reader token (README)
@require_POST
@same_origin_required
@ratelimit(key="ip", rate=lambda group, request: settings.VOTE_RATE, block=False, group="votes")
def vote_helpful(request: HttpRequest, news_code: int):
    """«آیا این خبر مفید بود؟»: one vote per reader (a signed cookie), works without JS."""
    article = get_object_or_404(Article.objects.published(), news_code=news_code)
    wants_json = "application/json" in request.headers.get("Accept", "")
    choice = request.POST.get("helpful")
    cookie = f"voted-{news_code}"
    status = 200
    if getattr(request, "limited", False):
        message, status = "رأی‌های زیادی از شما رسیده است؛ کمی بعد دوباره امتحان کنید.", 429
    elif choice not in ("yes", "no"):
        message, status = "گزینهٔ «بله» یا «خیر» را انتخاب کنید.", 400
    elif request.get_signed_cookie(cookie, default=None, salt="votes"):
        message = "رأی شما پیش‌تر ثبت شده است؛ سپاس."
    else:
        article.record_vote(helpful=choice == "yes")
        message = "سپاس؛ رأی شما ثبت شد."
    if wants_json:
        yes, no = article.helpful_counts()
        response = JsonResponse(
            {"message": message, "yes": fa_digits(yes), "no": fa_digits(no)}, status=status
        )
    elif status != 200:
        response = render(
            request,
            "articles/vote_refused.html",
            {"article": article, "message": message},
            status=status,
        )
    else:
        messages.success(request, message, extra_tags="helpful")
        response = redirect(article.get_absolute_url() + "#helpful")
    if status == 200:
        response.set_signed_cookie(
            cookie,
            choice,
            salt="votes",
            max_age=365 * 24 * 3600,
            httponly=True,
            secure=settings.HTTPS,
            samesite="Lax",
        )
    pagecache.private(response)
    return response


class SearchView(ListView):
    template_name = "articles/search.html"
    paginate_by = 20

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:200]
        return Article.objects.published().search(self.query).select_related("category")

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


@require_safe
def robots_txt(request: HttpRequest):
    lines = [
        "User-agent: *",
        "Disallow: /" + settings.ADMIN_URL,
        "Disallow: /hit/",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute_url(request, reverse('sitemap'))}",
        f"Sitemap: {absolute_url(request, reverse('news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def card_url(request: HttpRequest, article: Article) -> str:
    return absolute_url(request, default_storage.url(article.card)) if article.card else ""


def structured_data(article: Article, url: str, request: HttpRequest) -> dict:
    """schema.org NewsArticle; the tags and sections come from the prefetched lists."""
    tags = [tag.name for tag in article.tags.all()]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.lead,
        "datePublished": iso_datetime(article.published_at),
        "dateModified": iso_datetime(article.updated_at),
        "inLanguage": "fa",
        "articleSection": article.category.name,
        "keywords": tags,
        "identifier": str(article.news_code),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "author": {"@type": "NewsMediaOrganization", "name": settings.SITE_NAME},
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "logo": {
                "@type": "ImageObject",
                "url": absolute_url(request, static("logo.png")),
                "width": 600,
                "height": 60,
            },
        },
        "articleBody": "\n\n".join(s.text for s in article.sections.all() if s.text),
    }
    # Google wants several aspect ratios: the 1200×630 card and the photo itself.
    found = [card_url(request, article)]
    if article.image_renditions:
        _width, name, _size = images.fallback(article.image_renditions, largest_under=1600)
        found.append(absolute_url(request, default_storage.url(name)))
    data["image"] = [url for url in found if url]
    if article.source_url:
        data["isBasedOn"] = {
            "@type": "NewsArticle",
            "url": article.source_url,
            "publisher": {"@type": "NewsMediaOrganization", "name": article.source_name},
        }
    return data
