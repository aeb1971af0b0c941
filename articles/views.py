from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from . import pagecache
from .models import Article, Category, Tag


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
        page, version = pagecache.lookup(request, pagecache.HOME)
        if page is None:
            response = super().get(request, *args, **kwargs).render()
            page = pagecache.store(request, pagecache.HOME, version, response)
        return pagecache.respond(request, page)


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
    shared = pagecache.shared_rendering(request)
    scope = pagecache.article_scope(news_code)
    page, version = pagecache.lookup(request, scope) if shared else (None, "")
    if page is None:
        article = get_object_or_404(Article.objects.published().for_page(), news_code=news_code)
        if slug != article.slug:
            # /news/<code>/ and stale or mistyped slugs all lead to the one canonical address.
            return redirect(article, permanent=True)
        response = render_article(request, article)
        if not shared:
            pagecache.private(response)
            return response
        page = pagecache.store(
            request, scope, version, response, slug=article.slug, path=article.get_absolute_url()
        )
    elif slug != page.slug:
        return redirect(page.path, permanent=True)
    return pagecache.respond(request, page)


def render_article(request: HttpRequest, article: Article, *, status: int = 200, **extra):
    """The article page; the comment view re-renders it with the reader's bound form."""
    canonical_url = absolute_url(request, article.get_absolute_url())
    context = {
        "article": article,
        "canonical_url": canonical_url,
        "structured_data": structured_data(article, canonical_url),
        **extra,
    }
    return render(request, "articles/article_detail.html", context, status=status)


def structured_data(article: Article, url: str) -> dict:
    """schema.org NewsArticle; the tags and sections come from the prefetched lists."""
    tags = [tag.name for tag in article.tags.all()]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.lead,
        "datePublished": timezone.localtime(article.published_at).isoformat(),
        "dateModified": timezone.localtime(article.updated_at).isoformat(),
        "inLanguage": "fa",
        "articleSection": article.category.name,
        "keywords": tags,
        "identifier": str(article.news_code),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "publisher": {"@type": "NewsMediaOrganization", "name": settings.SITE_NAME},
        "articleBody": "\n\n".join(s.text for s in article.sections.all() if s.text),
    }
    if article.source_url:
        data["isBasedOn"] = {
            "@type": "NewsArticle",
            "url": article.source_url,
            "publisher": {"@type": "NewsMediaOrganization", "name": article.source_name},
        }
    return data
