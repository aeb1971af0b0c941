from django.urls import path

import newsroom.converters  # noqa: F401 (registers <code:…>)

from . import views

app_name = "comments"

urlpatterns = [
    path("news/<code:news_code>/comments/", views.post_comment, name="post"),
    path("news/<code:news_code>/comments/token/", views.form_token, name="token"),
]
