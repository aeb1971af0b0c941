"""Issue 12 behind deploy/nginx.conf itself: nginx keeps serving everyone the one shared article
page from its cache, and steps aside for the reader whose own comment is waiting."""

import dataclasses

import pytest

from tests import livenginx
from tests.liveserver import database, free_port
from tests.load.conftest import cookies_set, serve
from tests.load.test_forwarded import article_path
from tests.load.test_slow_clients import nginx_present  # noqa: F401 (fixture)

MINE = "دیدگاه من که پشت nginx منتظر است"


@pytest.mark.usefixtures("nginx_present")
def test_nginx_serves_the_shared_page_and_the_sender_their_own(workdir):
    with (
        database(workdir) as url,
        serve(workdir, url, DJANGO_BEHIND_PROXY="on") as site,
        livenginx.live_nginx(site.port, port := free_port()),
    ):
        via_nginx = dataclasses.replace(site, port=port)
        path = article_path(via_nginx)
        via_nginx.request("GET", path)
        _, headers, shared = via_nginx.request("GET", path)
        assert headers["X-Cache-Status"] == "HIT"

        assert via_nginx.post_comment(MINE) == 302
        waiting = cookies_set(via_nginx.last_headers)["comments_waiting"]
        mine = {"Cookie": f"comments_waiting={waiting}"}
        _, own_headers, own = via_nginx.request("GET", path, headers=mine)
        assert MINE in own and "در انتظار تأیید" in own
        assert own_headers["X-Cache-Status"] == "BYPASS"
        assert "no-store" in own_headers["Cache-Control"]

        # Everyone else: the same cached bytes as before the post.
        _, after_headers, after = via_nginx.request("GET", path)
        assert after_headers["X-Cache-Status"] == "HIT"
        assert after == shared and MINE not in after
