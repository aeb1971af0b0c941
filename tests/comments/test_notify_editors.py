"""notify_editors: one Persian digest to the editors, then nothing until new comments arrive."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from comments.models import EDITORS_GROUP, Comment, EditorDigest

pytestmark = pytest.mark.django_db


def waiting(article, text, sender):
    return Comment.objects.create(article=article, name="خواننده", text=text, sender_hash=sender)


def notify(**options) -> str:
    out = StringIO()
    call_command("notify_editors", stdout=out, site_url="https://news.example.ir", **options)
    return out.getvalue()


@pytest.fixture
def editors(django_user_model):
    group = Group.objects.get(name=EDITORS_GROUP)
    users = [
        django_user_model.objects.create_user("sara", email="sara@example.ir", is_staff=True),
        django_user_model.objects.create_user("reza", email="reza@example.ir", is_staff=True),
        django_user_model.objects.create_user("no-mail", is_staff=True),
        django_user_model.objects.create_user(
            "gone", email="gone@example.ir", is_staff=True, is_active=False
        ),
    ]
    for user in users:
        user.groups.add(group)
    return users


def test_one_digest_then_nothing_until_new_comments(article, editors, settings):
    settings.EDITOR_DIGEST_MINUTES = 30
    assert "No comments are waiting" in notify()
    assert mail.outbox == []

    first = waiting(article, "دیدگاه نخست", "a")
    first.created_at = timezone.now() - timedelta(hours=2, minutes=5)
    first.save()
    waiting(article, "دیدگاه دوم", "b")
    Comment.objects.create(
        article=article, name="x", text="تأییدشده", sender_hash="c", status="approved"
    )
    notify()
    assert sorted(m.to[0] for m in mail.outbox) == ["reza@example.ir", "sara@example.ir"]
    message = mail.outbox[0]
    assert message.subject == "۲ دیدگاه در انتظار بررسی، قدیمی‌ترین از ۲ ساعت و ۵ دقیقه پیش"
    assert "۲ دیدگاه در انتظار" in message.body
    assert "مهم‌ترین مأموریت روابط" in message.body
    assert (
        f"https://news.example.ir/admin/comments/comment/?article__id__exact={article.pk}"
        in message.body
    )
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert '<html lang="fa" dir="rtl">' in html and "رفتن به صف بررسی" in html
    assert EditorDigest.objects.get().last_comment_id == Comment.objects.pending().last().pk

    # Within EDITOR_DIGEST_MINUTES: nothing, even with a new comment.
    mail.outbox.clear()
    waiting(article, "دیدگاه سوم", "d")
    assert "none before 30 minutes" in notify()
    assert mail.outbox == []

    # Later, but only comments an earlier digest reported: nothing.
    EditorDigest.objects.update(sent_at=timezone.now() - timedelta(minutes=31))
    Comment.objects.filter(text="دیدگاه سوم").delete()
    assert "earlier digest" in notify()
    assert mail.outbox == []

    # A new comment after the interval: one more digest.
    waiting(article, "دیدگاه چهارم", "e")
    notify()
    assert len(mail.outbox) == 2 and "۳ دیدگاه" in mail.outbox[0].subject
    assert EditorDigest.objects.count() == 2


def test_no_digest_without_an_editor_address(article, django_user_model):
    waiting(article, "دیدگاه", "a")
    assert "No active editor" in notify()
    assert mail.outbox == [] and not EditorDigest.objects.exists()


def test_email_url_configures_the_backend():
    import environ

    config = environ.Env.email_url_config("consolemail://")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
