"""A real gunicorn on its own Redis, which the test stops, restarts and pauses under load."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.liveserver import database, manage
from tests.redisserver import redis_server

from .conftest import serve
from .test_concurrency import follow_messages, login


@pytest.fixture
def redis():
    with redis_server() as server:
        yield server


@pytest.fixture
def cached_site(workdir, redis):
    with (
        database(workdir) as url,
        serve(
            workdir,
            url,
            CACHE_URL=redis.url,
            CACHE_RETRY_SECONDS="2",
            PAGE_VERSION_SECONDS="3",
            PUBLIC_MAX_AGE="10",
            VIEW_FOLD_SECONDS="1",
        ) as running,
    ):
        yield running


def canonical(site) -> str:
    return site.request("GET", "/news/673206/")[1]["Location"]


def read_for(site, paths: list[str], seconds: float, clients: int = 6) -> dict:
    """`clients` readers fetching `paths` in turn for `seconds`: statuses, latencies, req/s."""
    stop = time.monotonic() + seconds
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def reader(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                status = site.request("GET", paths[i % len(paths)])[0]
            except OSError:
                status = 0
            with lock:
                results.append((status, time.monotonic() - started))
            i += 1

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(reader, range(clients)))
    latencies = sorted(t for _, t in results)
    return {
        "requests": len(results),
        "rps": len(results) / seconds,
        "p99": latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0,
        "bad": [s for s, _ in results if s != 200],
    }


def test_readers_get_200s_through_an_outage_and_a_hang(cached_site, redis):
    site = cached_site
    paths = [canonical(site), "/", "/hit/673206.gif"]
    figures = {"Redis up": read_for(site, paths, 3)}
    redis.stop()
    figures["Redis stopped"] = read_for(site, paths, 5)
    assert site.post_comment("دیدگاهی که در قطعی ردیس رسید") == 302
    vote = site.request("POST", "/news/673206/helpful/", {"helpful": "yes"})
    assert vote[0] == 302
    redis.start()
    time.sleep(2.5)
    redis.pause()
    try:
        figures["Redis paused"] = read_for(site, paths, 5)
    finally:
        redis.resume()
    figures["Redis back"] = read_for(site, paths, 3)
    print()
    for phase, f in figures.items():
        print(
            f"{phase:14} {f['requests']:5d} requests  {f['rps']:7.1f} req/s  "
            f"p99 {f['p99'] * 1000:6.1f} ms  not 200: {len(f['bad'])}"
        )
    for phase in ("Redis stopped", "Redis paused", "Redis back"):
        assert figures[phase]["bad"] == [], phase
        assert figures[phase]["p99"] < 1.0, phase
    assert "دیدگاهی که در قطعی ردیس رسید" in site.stored_texts()
    assert "Traceback" not in site.log_text()


def test_a_decision_during_an_outage_is_right_within_public_max_age(cached_site, redis):
    site = cached_site
    manage({**site.env, "EDITOR_PASSWORD": "Desk-pass-2025!x"}, "create_editor", "desk")
    assert site.post_comment("دیدگاهی که رد خواهد شد") == 302
    assert site.post_comment("دیدگاهی که تأیید می‌شود") == 302
    ids = site.shell(
        "import json; from comments.models import Comment; "
        "print(json.dumps(list(Comment.objects.order_by('pk').values_list('pk', flat=True))))"
    )
    cookies, token = login(site, "desk", "Desk-pass-2025!x")

    def act(action: str, pk: int) -> str:
        status, headers, body = site.request(
            "POST",
            "/admin/comments/comment/?status=all",
            {"action": action, "_selected_action": [pk], "csrfmiddlewaretoken": token},
            headers={"Cookie": cookies, "Referer": f"http://127.0.0.1:{site.port}/admin/"},
        )
        assert status == 302, body[:300]
        return follow_messages(site, cookies, headers)

    assert "۱ دیدگاه تأیید و منتشر شد" in act("approve", ids[0])
    path = canonical(site)
    for _ in range(20):  # every worker holds the page with the first comment
        assert "رد خواهد شد" in site.request("GET", path)[2]

    for outage in (redis.stop, redis.pause):
        outage()
        try:
            assert "۱ دیدگاه رد شد" in act("reject", ids[0])
            assert "۱ دیدگاه تأیید و منتشر شد" in act("approve", ids[1])
        finally:
            redis.resume()
            if outage is redis.stop:
                redis.start()  # with its data: the old version and page come back
        deadline = time.monotonic() + int(site.env["PUBLIC_MAX_AGE"])
        while time.monotonic() < deadline:
            bodies = [site.request("GET", path)[2] for _ in range(12)]
            right = all("رد خواهد شد" not in b and "تأیید می‌شود" in b for b in bodies)
            if right:
                break
            time.sleep(0.5)
        assert right, f"after {outage.__name__}: the page does not follow the decisions"
        # Back to the starting point for the next kind of outage.
        assert "۱ دیدگاه تأیید و منتشر شد" in act("approve", ids[0])
        assert "۱ دیدگاه رد شد" in act("reject", ids[1])


def test_no_key_without_an_expiry_after_a_mixed_load(cached_site, redis):
    site = cached_site
    path = canonical(site)
    rng = random.Random(7)
    for n in range(60):
        site.request("GET", path)
        site.request("GET", "/")
        site.request("GET", f"/news/{rng.randrange(1, 10**9)}/")
        site.request("GET", f"/hit/{rng.randrange(1, 10**9)}.gif")
        site.request("GET", f"/news/673206/x-{n}/")
        site.request("GET", path, headers={"Host": f"127.0.0.1:{rng.randrange(1, 65535)}"})
        site.request("GET", path, headers={"Cookie": "messages=x"})
    for n in range(5):
        site.post_comment(f"دیدگاه آزمون بار آمیخته {n}")
        site.request("POST", "/news/673206/helpful/", {"helpful": "no"})
    site.request("POST", "/admin/login/", {"username": "x", "password": "y"})
    ttls = redis.ttls()
    print(f"\n{len(ttls)} keys in Redis after the mixed load")
    assert ttls
    assert {key: ttl for key, ttl in ttls.items() if ttl < 0} == {}
    assert len(ttls) < 20, sorted(ttls)  # unknown pages and Host variants made no keys


def test_the_embedded_default_holds_one_limit_across_workers(workdir):
    """Without Redis, the flood limit is shared by every worker on the machine (diskcache),
    and junk in the cache cannot push its counter out."""
    with (
        database(workdir) as url,
        serve(workdir, url, CACHE_URL="", COMMENT_RATE="5/m", WEB_CONCURRENCY="4") as site,
    ):
        for n in range(300):  # junk first: made-up pages, pixels and Host variants
            site.request("GET", f"/news/{n + 1}/")
        statuses = [site.post_comment(f"دیدگاه شمارهٔ {n} از یک نشانی") for n in range(12)]
        assert statuses.count(302) == 5, statuses
        assert statuses.count(429) == 7
        assert len(site.stored_texts()) == 5
