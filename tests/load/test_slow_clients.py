"""Slow clients against the deployed shape: deploy/nginx.conf itself in front of gunicorn.

50 connections trickle partial headers or a body a byte every 2 s (reconnecting when nginx
drops them) while ordinary readers fetch the article through nginx; every reader request
carries a session cookie, so nginx's page cache is bypassed and each one needs a gunicorn
worker. Without nginx the test is skipped with one line; with CI set it fails instead.
`scripts/slow_clients.py` prints the same run against gunicorn alone beside it.
"""

import os

import pytest

from tests import livenginx
from tests.liveserver import database, free_port
from tests.load.conftest import serve
from tests.slowclients import SlowClients, read_pages

MISSING_NGINX = (
    f"slow-client test skipped: no nginx at {livenginx.NGINX}; "
    "enable it with `sudo apt-get install nginx`"
)
READER_HEADERS = {"Cookie": "sessionid=reader", "Accept-Encoding": "gzip"}


@pytest.fixture
def nginx_present() -> None:
    if not livenginx.installed():
        if os.environ.get("CI"):
            pytest.fail(f"{MISSING_NGINX} (CI is set, so this is a failure)", pytrace=False)
        pytest.skip(MISSING_NGINX)


def test_slow_clients_do_not_stall_readers_behind_nginx(nginx_present, workdir):
    with (
        database(workdir) as url,
        serve(workdir, url, DJANGO_BEHIND_PROXY="on", WEB_CONCURRENCY="5") as site,
    ):
        port = free_port()
        with livenginx.live_nginx(site.port, port) as nginx_dir:
            status, headers, _ = site.request("GET", "/news/673206/")
            assert status == 301
            article = headers["Location"]
            with SlowClients(port, count=50, bodies=10, interval=2.0) as slow:
                readers = read_pages(port, article, seconds=16, headers=READER_HEADERS)
            error_log = livenginx.error_log(nginx_dir)

    assert readers.errors == 0, readers.summary()
    assert readers.ok > 100, readers.summary()
    assert readers.percentile(99) < 1.0, readers.summary()
    # nginx cut the header tricklers off (client_header_timeout) and they came back.
    assert slow.dropped >= 40 and slow.opened <= 1000, (slow.opened, slow.dropped)
    # No gunicorn worker was ever held long enough to be killed.
    assert "WORKER TIMEOUT" not in site.log_text()
    assert "[crit]" not in error_log and "[emerg]" not in error_log
