from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import Article, Category

ITEMS = 20


class LatestArticlesFeed(Feed):
    """RSS of the latest published articles (Article.objects.published(), like every page)."""

    language = "fa"
    description = f"آخرین اخبار {settings.SITE_NAME}"

    def title(self, obj=None) -> str:
        return f"{settings.SITE_NAME} | آخرین اخبار"

    def link(self, obj=None) -> str:
        return reverse("articles:home")

    def items(self, obj=None):
        return Article.objects.published().select_related("category")[:ITEMS]

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
        return item.lead

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name]


class CategoryFeed(LatestArticlesFeed):
    def get_object(self, request, slug: str) -> Category:
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:
        return f"{settings.SITE_NAME} | {obj.name}"

    def description(self, obj: Category) -> str:
        return f"آخرین اخبار {obj.name} در {settings.SITE_NAME}"

    def link(self, obj: Category) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Category):
        return Article.objects.published().filter(category=obj).select_related("category")[:ITEMS]
