from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.sitemaps import SITEMAPS, NewsSitemap
from articles.views import robots_txt

from . import views

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "news-sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="news_sitemap",
    ),
    path("favicon.ico", views.favicon),
    # nginx answers /media/ itself in production (deploy/nginx.conf).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.media, name="media"),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]

admin.site.site_header = "میز تحریریه"
admin.site.site_title = "میز تحریریه"
admin.site.index_title = "مدیریت اخبار و دیدگاه‌ها"
