from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404
from django.urls import reverse

from . import images
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

    # The photo as an <enclosure>: the JPEG rendition, which every reader can show.
    def item_enclosure_url(self, item: Article) -> str | None:
        if not item.image_renditions:
            return None
        return self.request.build_absolute_uri(
            default_storage.url(images.fallback(item.image_renditions, largest_under=720)[1])
        )

    def item_enclosure_length(self, item: Article) -> int | None:
        return (
            images.fallback(item.image_renditions, largest_under=720)[2]
            if item.image_renditions
            else None
        )

    def item_enclosure_mime_type(self, item: Article) -> str | None:
        return images.FALLBACK.mime if item.image_renditions else None

    def __call__(self, request, *args, **kwargs):
        self.request = request  # for the enclosure's absolute address
        return super().__call__(request, *args, **kwargs)


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
