"""/metrics: closed to the public, and it counts what it says it counts."""

import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from articles import counters
from comments.models import Comment
from tests.conftest import comment_data
from tests.liveserver import live_server
from tests.ops.serving import get

pytestmark = pytest.mark.django_db


def scrape(client, **headers) -> dict[tuple, float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    return parse(response.content.decode())


def parse(text: str) -> dict[tuple, float]:
    """{(sample name, (label, value), …): value}"""
    return {
        (sample.name, *sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def delta(before: dict, after: dict, name: str, **labels) -> float:
    key = (name, *sorted(labels.items()))
    return after.get(key, 0) - before.get(key, 0)


def test_public_addresses_get_nothing(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 404
    assert b"newsroom" not in response.content


def test_loopback_through_an_untrusted_proxy_is_refused(client):
    # nginx on this machine forwarding a reader while DJANGO_BEHIND_PROXY is off: the peer is
    # 127.0.0.1, but the request is not the operator's.
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 404


def test_trusted_proxy_forwarding_a_reader_is_refused(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 404


def test_bearer_token(client, settings):
    settings.METRICS_TOKEN = "a-long-scrape-token"
    settings.METRICS_ALLOWED_IPS = []
    public = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **public).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **public).status_code == 404
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer a-long-scrape-token", **public)
    assert ok.status_code == 200
    assert ok["Cache-Control"] == "no-store"


def test_comment_posts_by_result_and_the_queue(client, article, settings):
    url = f"/news/{article.news_code}/comments/"
    before = scrape(client)
    assert client.post(url, comment_data(article)).status_code == 302
    assert client.post(url, comment_data(article)).status_code == 302  # the same again
    assert client.post(url, comment_data(article, text="")).status_code == 400
    timestamp = int(time.time())
    from comments.forms import security_hash

    fresh = comment_data(
        article,
        text="تازه",
        timestamp=str(timestamp),
        security_hash=security_hash(article.pk, timestamp),
    )
    assert client.post(url, fresh).status_code == 400
    assert client.post(url, comment_data(article, text="ربات", honeypot="x")).status_code == 302
    settings.COMMENT_RATE = "5/m"
    assert client.post(url, comment_data(article, text="ششمی")).status_code == 429
    after = scrape(client)

    posts = "newsroom_comment_posts_total"
    assert {
        result: delta(before, after, posts, result=result)
        for result in ("accepted", "duplicate", "invalid", "too_fast", "bot", "flood")
    } == {"accepted": 1, "duplicate": 1, "invalid": 1, "too_fast": 1, "bot": 1, "flood": 1}
    assert after[("newsroom_comment_queue_size",)] == Comment.objects.pending().count() == 1
    assert 0 < after[("newsroom_comment_queue_oldest_seconds",)] < 60


def test_requests_page_cache_and_folded_views(client, article):
    before = scrape(client)
    page = article.get_absolute_url()
    assert client.get(page).status_code == 200
    assert client.get(page).status_code == 200
    for _ in range(3):
        client.get(f"/hit/{article.news_code}.gif")
    counters.fold()
    after = scrape(client)
    assert (
        delta(before, after, "newsroom_http_requests_total", route="articles:detail", status="200")
        == 2
    )
    assert delta(before, after, "newsroom_page_cache_total", result="miss") == 1
    assert delta(before, after, "newsroom_page_cache_total", result="hit") == 1
    assert (
        delta(
            before, after, "newsroom_http_request_duration_seconds_count", route="articles:detail"
        )
        == 2
    )
    assert delta(before, after, "newsroom_views_folded_total") == 3
    # The scrape itself is not counted.
    assert (
        delta(before, after, "newsroom_http_requests_total", route="unmatched", status="404") == 0
    )


def test_all_workers_are_counted():
    """Two gunicorn workers, one sum (prometheus_client's multiprocess mode)."""
    with live_server() as server:
        for _ in range(40):
            with urllib.request.urlopen(server.url + "/robots.txt", timeout=10):  # noqa: S310
                pass
        status, _, body = get(server.url + "/metrics")
        assert status == 200
        samples = parse(body.decode())
        assert (
            samples[("newsroom_http_requests_total", ("route", "robots"), ("status", "200"))] == 40
        )
        workers = {
            line.rsplit("pid: ", 1)[1].strip()
            for line in server.log.read_text().splitlines()
            if "Booting worker with pid" in line
        }
        assert len(workers) == 2
        # From outside loopback it is not there (the live server binds 127.0.0.1 only, so the
        # refusal itself is covered by the tests above).
