from django.urls import path

import newsroom.converters  # noqa: F401 (registers <code:…>)

from . import mail_views, views

app_name = "comments"

urlpatterns = [
    path("news/<code:news_code>/comments/", views.post_comment, name="post"),
    path("news/<code:news_code>/comments/token/", views.form_token, name="token"),
    path("news/<code:news_code>/comments/<pagenum:number>/", views.comment_page, name="page"),
    path("news/<code:news_code>/comments/<code:pk>/reply/", views.reply_form, name="reply"),
    # Links in readers' mail (comments/mail_views.py).
    path("comments/mail/confirm/<str:token>/", mail_views.confirm, name="confirm"),
    path("comments/mail/unsubscribe/<str:token>/", mail_views.unsubscribe, name="unsubscribe"),
    path("comments/mail/subscribe/<str:token>/", mail_views.resubscribe, name="resubscribe"),
]
