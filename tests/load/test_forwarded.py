"""Forwarding headers against a real gunicorn: a client that reaches it directly chooses neither
its address (the comment limit) nor the scheme of the links cached pages carry."""

import dataclasses
import re

import pytest

from tests import livenginx
from tests.liveserver import database, free_port
from tests.load.conftest import serve
from tests.load.test_slow_clients import nginx_present  # noqa: F401 (fixture)

FORGED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"}
# One worker: without CACHE_URL each worker counts its own limit (see README).
LIMITED = {"COMMENT_RATE": "5/m", "WEB_CONCURRENCY": "1"}


def canonical(site, path: str, headers=None) -> str:
    status, _, body = site.request("GET", path, headers=headers)
    assert status == 200
    return re.search(r'<link rel="canonical" href="([^"]+)"', body).group(1)


def article_path(site) -> str:
    status, headers, _ = site.request("GET", "/news/673206/")
    assert status == 301
    return headers["Location"]


def forged_posts(site, count: int = 12) -> list[int]:
    """Comment posts, each claiming to forward a different client."""
    return [
        site.post_comment(
            f"دیدگاه با نشانی ساختگی شمارهٔ {n}",
            headers={"X-Forwarded-For": f"203.0.113.{n}, 198.51.100.{n}"},
        )
        for n in range(count)
    ]


def test_a_direct_request_cannot_make_cached_pages_https(workdir):
    with database(workdir) as url, serve(workdir, url, DJANGO_BEHIND_PROXY="off") as site:
        path = article_path(site)
        # The cache miss is rendered for the forged request; later readers get that copy.
        assert canonical(site, path, FORGED_HTTPS).startswith("http://127.0.0.1:")
        assert canonical(site, path).startswith("http://127.0.0.1:")


def test_forged_addresses_from_a_direct_client_share_one_limit(workdir):
    # nginx lives on another machine; this client went around it.
    with (
        database(workdir) as url,
        serve(
            workdir, url, DJANGO_BEHIND_PROXY="on", DJANGO_TRUSTED_PROXIES="192.0.2.10", **LIMITED
        ) as site,
    ):
        statuses = forged_posts(site)
        stored = site.stored_texts()
        assert canonical(site, article_path(site), FORGED_HTTPS).startswith("http://")
    assert statuses.count(302) <= 5 and statuses.count(429) >= 7, statuses
    assert len(stored) <= 5


@pytest.mark.usefixtures("nginx_present")
def test_through_nginx_the_address_it_saw_counts(workdir):
    with (
        database(workdir) as url,
        serve(workdir, url, DJANGO_BEHIND_PROXY="on", **LIMITED) as site,
        livenginx.live_nginx(site.port, port := free_port()),
    ):
        via_nginx = dataclasses.replace(site, port=port)
        statuses = forged_posts(via_nginx)
        stored = site.stored_texts()
        # nginx replaces the client's X-Forwarded-Proto with the scheme it was reached by.
        headers = {**FORGED_HTTPS, "Cookie": "sessionid=x"}  # past nginx's page cache
        assert canonical(via_nginx, article_path(via_nginx), headers).startswith("http://")
    assert statuses.count(302) <= 5 and statuses.count(429) >= 7, statuses
    assert len(stored) <= 5
