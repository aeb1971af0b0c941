"""LOG_FORMAT=json: one line per request that a machine can read, and nothing personal in it."""

import json
import logging
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import RequestFactory

from newsroom.security import sender_hash
from tests.conftest import comment_data
from tests.liveserver import live_server, shell
from tests.ops.serving import get

pytestmark = pytest.mark.django_db

TEXT = "متنی که هرگز نباید در گزارش‌ها دیده شود"
EMAIL = "secret-reader@example.com"


def request_lines(log: str) -> list[dict]:
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "newsroom.request"]


def test_json_request_lines():
    with live_server(DJANGO_SECRET_KEY=settings.SECRET_KEY, LOG_FORMAT="json") as server:
        page = server.article_url()
        path = urllib.parse.urlsplit(page).path
        answers = [get(page, {"X-Request-ID": f"nginx-{n}"}) for n in (1, 2)]
        assert [a[1]["X-Request-ID"] for a in answers] == ["nginx-1", "nginx-2"]
        # A made-up id that could forge a log line is replaced by one of ours.
        _, headers, _ = get(server.url + "/robots.txt", {"X-Request-ID": 'x" y'})
        made = headers["X-Request-ID"]
        assert len(made) == 32 and made != 'x" y'
        article_pk = shell(
            server.env,
            "from articles.models import Article; print(Article.objects.get(news_code=673206).pk)",
        )
        form = comment_data(SimpleNamespace(pk=int(article_pk)), email=EMAIL, text=TEXT)
        request = urllib.request.Request(  # noqa: S310
            server.url + "/news/673206/comments/", data=urllib.parse.urlencode(form).encode()
        )
        urllib.request.urlopen(request, timeout=10).read()  # noqa: S310
        stored_hash = shell(
            server.env,
            "from comments.models import Comment; "
            f"print(Comment.objects.get(email={EMAIL!r}).sender_hash)",
        )
        log = server.log.read_text()

    lines = {line["request_id"]: line for line in request_lines(log)}
    first, second = lines["nginx-1"], lines["nginx-2"]
    assert first["route"] == second["route"] == "articles:detail"
    assert (first["method"], first["status"], second["status"]) == ("GET", 200, 200)
    # article_url() rendered it first (a miss); then nginx-1, nginx-2 and the page after the
    # post's redirect were served from the cache.
    details = [line for line in request_lines(log) if line["route"] == "articles:detail"]
    assert [line["page_cache"] for line in details] == ["miss", "hit", "hit", "hit"]
    assert details[0]["queries"] > first["queries"]
    assert isinstance(first["duration_ms"], float)
    assert isinstance(first["worker"], int)
    assert first["level"] == "INFO"
    assert first["time"].startswith("20")
    assert lines[made]["route"] == "robots"
    assert lines[made]["page_cache"] == "-"
    post = next(line for line in lines.values() if line["route"] == "comments:post")
    assert post["method"] == "POST"
    # Addresses only as the comments' keyed hash; no text, e-mail, address or raw path.
    expected = sender_hash(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1"))
    assert {line["client"] for line in lines.values()} == {expected, stored_hash}
    for text in (TEXT, EMAIL, "127.0.0.1", urllib.parse.unquote(path)):
        assert text not in json.dumps(list(lines.values()), ensure_ascii=False)
    assert TEXT not in log and EMAIL not in log


def test_slow_requests_are_warnings_in_text(client, settings, caplog):
    settings.SLOW_REQUEST_MS = 0
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        response = client.get("/robots.txt", HTTP_X_REQUEST_ID="slow-1")
    assert response["X-Request-ID"] == "slow-1"
    (record,) = [r for r in caplog.records if r.name == "newsroom.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("GET robots 200 ")
    assert record.getMessage().endswith(" ms (slow)")
    assert record.request_id == "slow-1"


def test_text_format_logs_no_line_for_a_quick_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        client.get("/robots.txt")
    assert [r for r in caplog.records if r.name == "newsroom.request"] == []
