from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/<int:news_code>/", views.article_detail, name="detail_short"),
    path("news/<int:news_code>/<str:slug>/", views.article_detail, name="detail"),
    path("section/<str:slug>/", views.CategoryView.as_view(), name="category"),
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
]
