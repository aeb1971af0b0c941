from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _fixture_comment_saved(sender, instance, raw, **kwargs):
    # loaddata writes rows as they are ("raw"), past Comment.moderate(): the article's count and
    # pages must still follow. Nothing else saves comments raw.
    if raw:
        from .models import refresh_article

        refresh_article(instance.article)


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("دیدگاه‌ها")

    def ready(self):
        post_save.connect(_fixture_comment_saved, sender="comments.Comment")
