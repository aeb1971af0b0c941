"""The anonymous article page is one shared copy: cacheable, and fresh the moment it changes."""

import pytest
from django.test import Client

from articles.models import Article, Section, Tag
from comments.models import Comment
from tests.conftest import (
    ARTICLE_PAGE_QUERIES,
    CONTENT_FRAGMENT_QUERIES,
    LISTS_FRAGMENT_QUERIES,
    comment_data,
)

pytestmark = pytest.mark.django_db


def test_anonymous_page_is_the_same_bytes_and_cacheable(article):
    url = article.get_absolute_url()
    first, second = Client().get(url), Client().get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    for response in (first, second):
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=60", "s-maxage=60"}
        assert response["ETag"].startswith('"')


def test_conditional_request_answers_304(client, article):
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_cached_copy_runs_no_query(
    client, article, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = article.get_absolute_url()
    # The first rendering ever gives the page and its fragments their first versions and reads
    # what they hold; it is kept, so the next request runs no query.
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    # After an edit has committed, the cache knows the new versions: a rendering reads the
    # article, its body and lists again and its first page of threads (there is none, so no
    # replies), and the next request reads nothing.
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    with django_assert_num_queries(
        ARTICLE_PAGE_QUERIES + CONTENT_FRAGMENT_QUERIES + LISTS_FRAGMENT_QUERIES + 1
    ):
        client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        response = client.get("/news/673206/")
    assert response.status_code == 301 and response["Location"] == url


def test_approval_shows_on_the_next_request(client, article, editor, post_comment):
    url = article.get_absolute_url()
    client.get(url)  # warm the cache
    post_comment(article, c=Client())
    assert "مرزهای جدید" not in client.get(url).content.decode()  # pending: not in the copy
    Comment.objects.get().approve(by=editor)
    assert "مرزهای جدید" in client.get(url).content.decode()


def test_bulk_action_and_reply_show_on_the_next_request(client, article, editor, post_comment):
    url = article.get_absolute_url()
    post_comment(article, c=Client())
    comment = Comment.objects.get()
    client.get(url)
    Comment.objects.filter(pk=comment.pk).moderate(Comment.Status.APPROVED, by=editor)
    assert "مرزهای جدید" in client.get(url).content.decode()
    comment.save_reply("پاسخ تازهٔ تحریریه", editor, expected="")
    assert "پاسخ تازهٔ تحریریه" in client.get(url).content.decode()
    comment.reject(by=editor)
    assert "مرزهای جدید" not in client.get(url).content.decode()


def test_article_and_section_edits_show_on_the_next_request(client, article):
    url = article.get_absolute_url()
    client.get(url)
    article.lead = "لید تازه‌ای برای خبر"
    article.save()
    assert "لید تازه‌ای برای خبر" in client.get(url).content.decode()
    section = Section.objects.get(article=article, position=7)
    section.text = "بند پایانیِ ویرایش‌شده"
    section.save()
    assert "بند پایانیِ ویرایش‌شده" in client.get(url).content.decode()
    tag = Tag.objects.get(name="احمد کرمی")
    tag.name = "احمد کرمیِ استاندار"
    tag.save()
    assert "احمد کرمیِ استاندار" in client.get(url).content.decode()


def test_unpublishing_removes_the_cached_page(client, article):
    url = article.get_absolute_url()
    client.get(url)
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(url).status_code == 404


def test_flash_message_is_never_shared(article):
    reader, stranger = Client(), Client()
    url = article.get_absolute_url()
    stranger.get(url)  # a shared copy exists
    response = reader.post(f"/news/{article.news_code}/comments/", comment_data(article))
    assert response.status_code == 302
    own = reader.get(url)
    assert "دیدگاه شما رسید" in own.content.decode()
    assert "private" in own["Cache-Control"] and "no-store" in own["Cache-Control"]
    assert "دیدگاه شما رسید" not in stranger.get(url).content.decode()
    assert "دیدگاه شما رسید" not in reader.get(url).content.decode()  # shown once


def test_page_carries_no_per_reader_token(client, article):
    document = client.get(article.get_absolute_url()).content.decode()
    assert "csrfmiddlewaretoken" not in document


def test_home_is_shared_and_fresh_after_publishing(client, article, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200
    Article.objects.create(
        headline="خبر تازهٔ امروز",
        lead="لید",
        news_code=42,
        category=article.category,
        status=Article.Status.PUBLISHED,
    )
    assert "خبر تازهٔ امروز" in client.get("/").content.decode()


def test_gzip_copy_is_the_same_page(client, article):
    import gzip

    url = article.get_absolute_url()
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"] and "Cookie" not in response["Vary"]
        assert response["Content-Length"] == str(len(response.content))
    assert packed["ETag"] != plain["ETag"]
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304


def test_cached_hit_carries_the_security_headers(client, article):
    url = article.get_absolute_url()
    client.get(url)
    hit = client.get(url)
    assert hit["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in hit["Content-Security-Policy"]
    assert hit["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in hit["Permissions-Policy"]


def test_a_scheduled_article_appears_at_its_time_without_waiting_for_the_cache(
    client, article, django_capture_on_commit_callbacks
):
    import time
    from datetime import timedelta

    from django.utils import timezone

    goes_live = timezone.now() + timedelta(seconds=2)
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.create(
            headline="خبری که سر ساعتش منتشر می‌شود",
            lead="لید",
            news_code=43,
            category=article.category,
            status=Article.Status.PUBLISHED,
            published_at=goes_live,
        )
    for url in ("/", article.get_absolute_url()):
        assert "سر ساعتش" not in client.get(url).content.decode()
        assert "سر ساعتش" not in client.get(url).content.decode()  # the cached copy
    time.sleep(max(0.0, (goes_live - timezone.now()).total_seconds()) + 0.1)
    assert "سر ساعتش" in client.get("/").content.decode()
    assert "سر ساعتش" in client.get(article.get_absolute_url()).content.decode()  # «آخرین اخبار»


def test_an_expired_version_copy_costs_one_query_not_one_per_hit(
    client, article, settings, django_assert_num_queries
):
    settings.PAGE_VERSION_SECONDS = 1
    url = article.get_absolute_url()
    client.get(url)
    import time

    time.sleep(1.2)  # the cache's copy of the version has expired
    with django_assert_num_queries(1):  # read back from the database, and cached again
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
