from django.urls import path

import newsroom.converters  # noqa: F401 (registers <code:…>)

from . import views

app_name = "comments"

urlpatterns = [
    path("news/<code:news_code>/comments/", views.post_comment, name="post"),
    path("news/<code:news_code>/comments/token/", views.form_token, name="token"),
    path("news/<code:news_code>/comments/<pagenum:number>/", views.comment_page, name="page"),
    path("news/<code:news_code>/comments/<code:pk>/reply/", views.reply_form, name="reply"),
]
