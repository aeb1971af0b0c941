"""/healthz and /readyz against a real gunicorn: database up, down and unmigrated, cache down."""

import os
import time

import pytest

from tests.liveserver import free_port, live_server, manage
from tests.ops.serving import get, get_json, serve
from tests.redisserver import redis_server

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"


def test_readyz_with_everything_up(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_probes_ignore_the_host_and_the_https_redirect(client, settings):
    # A balancer asks by address over plain HTTP; neither may turn the probe into a 400 or 301.
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.5:8000").status_code == 200


def test_probes_are_not_rate_limited(client):
    assert {client.get("/readyz").status_code for _ in range(50)} == {200}


def test_live_server_up():
    with live_server() as server:
        status, headers, body = get_json(server.url + "/readyz")
        assert (status, body) == (200, {"status": "ok", "database": "ok", "cache": "ok"})
        assert headers["Cache-Control"] == "no-store"
        # Probes stay out of gunicorn's access log; a page does not.
        get(server.url + "/healthz")
        get(server.url + "/robots.txt")
        deadline = time.monotonic() + 10  # the worker writes its access line after answering
        while "/robots.txt" not in (log := server.log.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "/robots.txt" in log
        assert "/healthz" not in log
        assert "/readyz" not in log


def test_database_down(tmp_path):
    # PostgreSQL at a port where nothing listens: the process is alive, not ready.
    with serve(f"postgres://postgres@127.0.0.1:{free_port()}/nothing") as (url, _log):
        assert get_json(url + "/healthz")[::2] == (200, {"status": "ok"})
        status, headers, body = get_json(url + "/readyz")
        assert status == 503
        assert body == {"status": "unavailable", "database": "unavailable", "cache": "ok"}
        assert headers["Cache-Control"] == "no-store"


def test_database_not_migrated(tmp_path):
    with serve(f"sqlite:///{tmp_path / 'empty.sqlite3'}") as (url, _log):
        status, _, body = get_json(url + "/readyz")
        assert status == 503
        assert body == {"status": "unavailable", "database": "migrations pending", "cache": "ok"}


def test_cache_down_is_degraded_not_fatal():
    with redis_server() as redis, live_server(CACHE_URL=redis.url) as server:
        assert get_json(server.url + "/readyz")[::2] == (
            200,
            {"status": "ok", "database": "ok", "cache": "ok"},
        )
        redis.stop()
        status, _, body = get_json(server.url + "/readyz")
        assert status == 200
        assert body == {"status": "degraded", "database": "ok", "cache": "unavailable"}
        # The site still serves its pages meanwhile.
        assert get(server.url + "/")[0] == 200


def _metric(url: str, name: str) -> float:
    text = get(url + "/metrics")[2].decode()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name + " ") or line.startswith(name + "{")
    )


def test_outages_are_counted():
    with serve(f"postgres://postgres@127.0.0.1:{free_port()}/nothing") as (url, _log):
        assert get(url + "/", {"Host": "news.example.ir"})[0] == 503
        assert _metric(url, "newsroom_database_errors_total") == 1
    with redis_server() as redis, live_server(CACHE_URL=redis.url) as server:
        redis.stop()
        get(server.url + "/")
        assert _metric(server.url, "newsroom_cache_errors_total") >= 1


def test_make_run_with_the_production_switches(tmp_path):
    """`make run`'s steps with DJANGO_HTTPS=on: the demo editor is skipped in one line and
    the site serves (plain-HTTP probes answer; pages redirect to https)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_HTTPS": "on",
        "SHARED_CACHE_DIR": str(tmp_path / "cache"),
    }
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_initial_content")
    assert manage(env, "demo_editor").strip() == (
        "Demo editor skipped: DJANGO_HTTPS=on is not a developer's machine."
    )
    with serve(
        env["DATABASE_URL"], DJANGO_HTTPS="on", SHARED_CACHE_DIR=env["SHARED_CACHE_DIR"]
    ) as (
        url,
        _log,
    ):
        assert get_json(url + "/readyz")[::2] == (
            200,
            {"status": "ok", "database": "ok", "cache": "ok"},
        )
        status, headers, _ = get(url + "/", {"Host": "news.example.ir"})
        assert status == 301
        assert headers["Location"] == "https://news.example.ir/"
