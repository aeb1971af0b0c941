"""A draft or scheduled article, seen by staff as readers will see it, and by nobody else."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(article) -> Article:
    article.status = Article.Status.DRAFT
    article.save()
    return article


def test_staff_see_a_draft_marked_as_preview_never_cached_or_counted(draft, editor):
    desk = Client()
    desk.force_login(editor)
    response = desk.get(draft.get_preview_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "پیش‌نمایش" in page and "پیش‌نویس" in page
    assert draft.headline in page
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "/hit/" not in page  # not counted as a view
    assert 'class="comment-form"' not in page
    assert Client().get(draft.get_absolute_url()).status_code == 404  # readers still get 404


def test_a_scheduled_article_previews_as_scheduled(article, editor):
    article.published_at = timezone.now() + timedelta(days=1)
    article.save()
    assert article.state_label == "زمان‌بندی‌شده"
    desk = Client()
    desk.force_login(editor)
    assert "زمان‌بندی‌شده" in desk.get(article.get_preview_url()).content.decode()


def test_readers_and_non_staff_cannot_open_a_preview(draft, django_user_model):
    url = draft.get_preview_url()
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    reader = Client()
    reader.force_login(django_user_model.objects.create_user("reader", password="x-Long-pass1"))
    assert reader.get(url).status_code == 302


@pytest.mark.parametrize("token", ["1", "abc:def", "x" * 300])
def test_a_forged_preview_link_is_404(draft, editor, token):
    desk = Client()
    desk.force_login(editor)
    assert desk.get(f"/preview/{token}/").status_code == 404


def test_drafts_are_in_no_feed_or_sitemap(draft, client):
    for url in ("/feed/", "/sitemap.xml", "/news-sitemap.xml", "/"):
        assert draft.headline not in client.get(url).content.decode()


def test_the_desk_lists_state_and_links_drafts_to_their_preview(draft, admin_client):
    listing = admin_client.get("/admin/articles/article/").content.decode()
    assert "پیش‌نویس" in listing
    change = admin_client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    # The preview signs with a timestamp, so compare the link's target, not the token.
    assert 'href="/preview/' in change  # «مشاهده در وب‌گاه», not the public 404
