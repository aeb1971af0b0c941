from django.urls import path, register_converter

import newsroom.converters  # noqa: F401 (registers <code:…>)

from . import feeds, views


class UnicodeSlugConverter:
    """Letters of any script, digits, _ and -: what allow_unicode slugs hold (never NUL)."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/<code:news_code>/", views.article_detail, name="detail_short"),
    # Before the article's own <slug>/ pattern, which would otherwise take "helpful".
    path("news/<code:news_code>/helpful/", views.vote_helpful, name="helpful"),
    path("news/<code:news_code>/<uslug:slug>/", views.article_detail, name="detail"),
    path("section/<uslug:slug>/", views.CategoryView.as_view(), name="category"),
    path("section/<uslug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("n/<code:news_code>", views.short_link, name="short"),
    path("hit/<code:news_code>.gif", views.count_view, name="count_view"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
]
