"""People who push on the cache: junk cookies, Host variants, encodings, stale forms."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import Client

from comments.models import Comment
from tests.conftest import ARTICLE_PAGE_QUERIES, CONTENT_FRAGMENT_QUERIES, comment_data

pytestmark = pytest.mark.django_db


def test_a_junk_message_cookie_does_not_buy_a_fresh_rendering(article, django_assert_num_queries):
    url = article.get_absolute_url()
    Client().get(url)
    junk = Client()
    junk.cookies["messages"] = "x"
    with django_assert_num_queries(0):
        response = junk.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]


def test_a_signed_message_cookie_gets_its_own_private_page(article):
    storage = CookieStorage(HttpRequest())
    signed = storage._encode(
        [Message(constants.SUCCESS, "پیامی برای همین خواننده", extra_tags="comments")]
    )
    reader = Client()
    reader.cookies["messages"] = signed
    response = reader.get(article.get_absolute_url())
    assert "پیامی برای همین خواننده" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_host_variants_do_not_multiply_cached_copies(article, django_assert_num_queries):
    url = article.get_absolute_url()
    Client().get(url)
    for port in (1, 2):
        variant = Client(HTTP_HOST=f"testserver:{port}")
        assert variant.get(url).status_code == 200
        # Rendered each time, its body too (kept for configured hosts only), and not stored.
        with django_assert_num_queries(ARTICLE_PAGE_QUERIES + CONTENT_FRAGMENT_QUERIES):
            variant.get(url)
    with django_assert_num_queries(0):
        Client().get(url)


def test_host_is_not_part_of_the_key_with_a_site_url(article, settings):
    settings.SITE_URL = "https://news.example.ir"
    url = article.get_absolute_url()
    first = Client().get(url).content
    assert b'href="https://news.example.ir/news/673206/' in first
    assert Client(HTTP_HOST="localhost:9").get(url).content == first


@pytest.mark.parametrize(
    ("accept", "gzipped"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("gzip;q=0", False),
        ("gzip;q=0, deflate", False),
        ("br;q=1, gzip;q=0.5", True),
        ("*", True),
        ("*;q=0", False),
        ("gzip;q=0, *", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding_is_honoured(article, accept, gzipped):
    url = article.get_absolute_url()
    Client().get(url)
    response = Client().get(url, HTTP_ACCEPT_ENCODING=accept)
    assert (response.get("Content-Encoding") == "gzip") is gzipped


# --- The minimum-time defence on a shared page ----------------------------------------------
def test_the_shared_page_carries_no_signed_time(client, article):
    document = client.get(article.get_absolute_url()).content.decode()
    form = document[document.index('<form class="comment-form"') :]
    assert re.search(r'<input type="hidden" name="timestamp" id="id_timestamp">', form)
    assert 'data-token="/news/673206/comments/token/"' in form


def test_the_form_token_is_fresh_private_and_only_for_real_articles(client, article):
    response = client.get("/news/673206/comments/token/")
    assert response.status_code == 200
    assert set(response.json()) == {"timestamp", "security_hash"}
    assert "no-store" in response["Cache-Control"]
    assert client.get("/news/424242/comments/token/").status_code == 404


def test_a_post_sent_at_once_after_fetching_a_token_is_refused(client, article):
    token = client.get("/news/673206/comments/token/").json()
    data = comment_data(article, **{k: str(v) for k, v in token.items()})
    response = client.post("/news/673206/comments/", data)
    assert response.status_code == 400
    assert "فرم خیلی سریع فرستاده شد" in response.content.decode()
    assert not Comment.objects.exists()


def test_without_javascript_the_first_send_asks_once_and_keeps_the_text(client, article, settings):
    data = comment_data(article, timestamp="", security_hash="")
    first = client.post("/news/673206/comments/", data)
    page = first.content.decode()
    assert first.status_code == 200
    assert "یک گام مانده است" in page
    assert "مرزهای جدید" in page  # the reader's text is kept
    assert not Comment.objects.exists()
    fields = dict(re.findall(r'name="(timestamp|security_hash)" value="([^"]+)"', page))
    assert set(fields) == {"timestamp", "security_hash"}
    settings.COMMENT_MIN_SECONDS = 0  # the reader read the notice and pressed send again
    second = client.post("/news/673206/comments/", {**data, **fields})
    assert second.status_code == 302
    assert Comment.objects.count() == 1


def test_an_unsigned_post_with_other_mistakes_is_a_plain_refusal(client, article):
    data = comment_data(article, timestamp="", security_hash="", text="")
    response = client.post("/news/673206/comments/", data)
    assert response.status_code == 400
    assert "متن دیدگاه را بنویسید." in response.content.decode()
