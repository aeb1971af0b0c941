"""The cache fails: a real redis-server of the test's own, stopped, restarted and paused under
the site (through Django's test client; tests/load/test_cache_outage.py does it under gunicorn)."""

import time

import pytest
from django.core.cache import caches
from django.test import Client
from redis.backoff import NoBackoff
from redis.retry import Retry

from articles import counters
from comments.models import Comment
from tests.redisserver import redis_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis(settings):
    with redis_server() as server:
        backend = {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.25,
                "retry": Retry(NoBackoff(), 0),
            },
        }
        settings.CACHES = {"default": backend, "limits": {**backend, "FALLBACK": "local"}}
        settings.CACHE_RETRY_SECONDS = 1  # read when the server's breaker is made (new port)
        settings.PAGE_VERSION_SECONDS = 4
        yield server


def timed_get(client, path):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def test_readers_get_pages_from_the_database_while_redis_is_stopped(client, article, redis):
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    assert any(key.startswith(":1:page:") for key in redis.ttls())  # it was cached in Redis
    redis.stop()
    for path in (url, "/", f"/hit/{article.news_code}.gif", "/news/673206/"):
        response, seconds = timed_get(client, path)
        assert response.status_code in (200, 301), path
        assert seconds < 1, (path, seconds)
    assert "مهم‌ترین مأموریت روابط عمومی" in client.get(url).content.decode()
    # The breaker is open: twenty more readers wait on nothing.
    slowest = max(timed_get(client, url)[1] for _ in range(20))
    assert slowest < 0.25


def test_readers_get_pages_while_redis_hangs(client, article, redis):
    url = article.get_absolute_url()
    client.get(url)
    redis.pause()
    try:
        results = [timed_get(client, path) for path in [url, "/", url, url, "/"] * 4]
    finally:
        redis.resume()
    assert {response.status_code for response, _ in results} == {200}
    assert max(seconds for _, seconds in results) < 1


def test_comment_and_vote_while_redis_is_down_are_stored_and_answered(article, redis, post_comment):
    redis.stop()
    reader = Client()
    response = post_comment(article, c=reader)
    assert response.status_code == 302
    assert Comment.objects.get().text.startswith("گزارش خوبی بود")
    assert "دیدگاه شما رسید" in reader.get(response["Location"]).content.decode()
    vote = Client().post(f"/news/{article.news_code}/helpful/", {"helpful": "yes"})
    assert vote.status_code == 302
    counters.fold()
    article.refresh_from_db()
    assert article.helpful_yes == 1


def test_flood_limit_counts_in_process_memory_while_redis_is_down(
    article, redis, post_comment, settings
):
    settings.COMMENT_RATE = "2/h"  # an hour window: a minute boundary cannot reset it mid-test
    redis.stop()
    statuses = [
        post_comment(article, text=f"دیدگاه شمارهٔ {n} در قطعی").status_code for n in (1, 2, 3)
    ]
    assert statuses == [302, 302, 429]
    assert Comment.objects.count() == 2


def test_a_decision_during_an_outage_is_on_the_page_after_recovery(
    client, article, admin_user, redis, settings
):
    """The review's blip: Redis goes away, an editor rejects one comment and approves another,
    Redis comes back with its old data. The desk must tell the truth, and the page must follow
    the database within PAGE_VERSION_SECONDS of the recovery."""
    first = Comment.objects.create(article=article, name="الف", text="دیدگاهی که رد خواهد شد")
    second = Comment.objects.create(article=article, name="ب", text="دیدگاهی که تأیید می‌شود")
    first.approve(by=admin_user)
    url = article.get_absolute_url()
    page = client.get(url).content.decode()
    assert "رد خواهد شد" in page and "تأیید می‌شود" not in page

    redis.stop()  # saves its data: the old version and the old page come back with it
    desk = Client()
    desk.force_login(admin_user)  # the editors group is flushed with the data
    changelist = "/admin/comments/comment/?status=all"
    for action, comment, said in (
        ("reject", first, "۱ دیدگاه رد شد."),
        ("approve", second, "۱ دیدگاه تأیید و منتشر شد."),
    ):
        answer = desk.post(changelist, {"action": action, "_selected_action": [comment.pk]})
        assert answer.status_code == 302
        assert said in desk.get(answer["Location"]).content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Comment.Status.REJECTED, Comment.Status.APPROVED)
    page = client.get(url).content.decode()  # during the outage: from the database
    assert "رد خواهد شد" not in page and "تأیید می‌شود" in page

    redis.start()
    time.sleep(settings.CACHE_RETRY_SECONDS + 0.1)  # the breaker lets Redis be tried again
    deadline = time.monotonic() + settings.PAGE_VERSION_SECONDS + 2
    while True:
        page = client.get(url).content.decode()
        right = "رد خواهد شد" not in page and "تأیید می‌شود" in page
        if right or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert right, "the page still shows the rejected comment after the recovery"
    assert settings.PAGE_VERSION_SECONDS < settings.PUBLIC_MAX_AGE
    assert caches["default"].available  # and Redis is in use again


def test_every_key_written_has_an_expiry(client, article, redis, post_comment):
    url = article.get_absolute_url()
    for path in (url, "/", "/news/424242/", "/hit/424242.gif", "/news/673206/"):
        client.get(path)
    post_comment(article, c=Client())
    Client().post(f"/news/{article.news_code}/helpful/", {"helpful": "no"})
    caches["default"].set("no-timeout-asked", 1, timeout=None)
    ttls = redis.ttls()
    assert ttls, "nothing was cached"
    assert {key: ttl for key, ttl in ttls.items() if ttl < 0} == {}
    assert not [key for key in ttls if "424242" in key]  # unknown pages create no keys


def test_junk_in_the_embedded_cache_does_not_flush_a_limit(article, post_comment, settings):
    settings.COMMENT_RATE = "2/h"  # an hour window: 3,000 writes cannot outlast it
    assert [post_comment(article, text=f"دیدگاه {n}").status_code for n in (1, 2)] == [302, 302]
    junk = caches["default"]
    for n in range(3000):  # ten times what Django's local-memory cache kept before culling
        junk.set(f"junk-{n}", "x" * 100)
    assert post_comment(article, text="دیدگاه سوم").status_code == 429
