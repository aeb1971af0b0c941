from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.utils import timezone

from .models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().only("news_code", "slug", "updated_at")

    def lastmod(self, item: Article):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Category.objects.all()


class NewsSitemap(Sitemap):
    """Google News sitemap: articles published in the last two days."""

    limit = 1000

    def items(self):
        since = timezone.now() - timedelta(days=2)
        return Article.objects.published().filter(published_at__gte=since)

    def lastmod(self, item: Article):
        return item.updated_at


SITEMAPS = {"articles": ArticleSitemap, "sections": CategorySitemap}
