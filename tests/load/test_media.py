"""deploy/nginx.conf itself serves the media: AVIF with its type, every file cached for good, and
the desk's photo uploads pass its body limit while readers' posts keep the small one."""

import http.client
import io

import pytest
from PIL import Image

from tests import livenginx
from tests.liveserver import free_port
from tests.load.test_slow_clients import nginx_present  # noqa: F401 (fixture)


def request(port: int, method: str, path: str, body: bytes | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.usefixtures("nginx_present")
def test_nginx_serves_renditions_and_takes_photo_uploads_at_the_desk_only():
    # No app behind it: media come from disk, and a post the body limit lets through gets 502.
    with livenginx.live_nginx(free_port(), port := free_port()) as root:
        folder = root / "media" / "articles" / "2026" / "11"
        folder.mkdir(parents=True)
        out = io.BytesIO()
        Image.new("RGB", (360, 240), "teal").save(out, "AVIF")
        (folder / "abc-360.avif").write_bytes(out.getvalue())
        for path in [root / "media", *(root / "media").rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)

        status, headers, body = request(port, "GET", "/media/articles/2026/11/abc-360.avif")
        assert status == 200
        assert headers["Content-Type"] == "image/avif"
        assert "immutable" in headers["Cache-Control"]
        assert body == out.getvalue()

        photo = b"\xff" * (5 * 1024 * 1024)
        assert request(port, "POST", "/news/673206/comments/", photo)[0] == 413
        assert request(port, "POST", "/admin/articles/article/1/change/", photo)[0] != 413
