from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/<int:news_code>/", views.article_detail, name="detail_short"),
    # Before the article's own <slug>/ pattern, which would otherwise take "helpful".
    path("news/<int:news_code>/helpful/", views.vote_helpful, name="helpful"),
    path("news/<int:news_code>/<str:slug>/", views.article_detail, name="detail"),
    path("section/<str:slug>/", views.CategoryView.as_view(), name="category"),
    path("section/<str:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("n/<int:news_code>", views.short_link, name="short"),
    path("hit/<int:news_code>.gif", views.count_view, name="count_view"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
]
