"""deploy/nginx.conf in front of gunicorn: probes pass, /metrics does not, request ids flow."""

import json
import urllib.parse

import pytest

from tests import livenginx
from tests.liveserver import free_port, live_server
from tests.ops.serving import get, get_json


def test_nginx_passes_probes_hides_metrics_and_sets_request_ids():
    if not livenginx.installed():
        pytest.skip("nginx is not installed (sudo apt-get install nginx)")
    with live_server(LOG_FORMAT="json", DJANGO_BEHIND_PROXY="on") as server:
        app_port = urllib.parse.urlsplit(server.url).port
        port = free_port()
        with livenginx.live_nginx(app_port, port):
            front = f"http://127.0.0.1:{port}"
            status, headers, body = get_json(front + "/readyz")
            assert (status, body["status"]) == (200, "ok")
            assert headers["Cache-Control"] == "no-store"
            assert get(front + "/metrics")[0] == 404
            # The app itself still answers the scrape on loopback.
            assert get(server.url + "/metrics")[0] == 200
            _, headers, _ = get(front + "/robots.txt")
            request_id = headers["X-Request-ID"]
            assert len(request_id) == 32  # nginx's $request_id
        lines = [
            json.loads(line) for line in server.log.read_text().splitlines() if line[:1] == "{"
        ]
        assert any(line.get("request_id") == request_id for line in lines)
