from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]

admin.site.site_header = "میز تحریریه"
admin.site.site_title = "میز تحریریه"
admin.site.index_title = "مدیریت اخبار و دیدگاه‌ها"
