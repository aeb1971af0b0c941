"""gunicorn (gunicorn.conf.py) on a database and cache a test chooses, without the live
server's set-up steps: for a database that is down or was never migrated."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.liveserver import free_port, gunicorn


@contextlib.contextmanager
def serve(database_url: str, **extra_env: str) -> Iterator[tuple[str, Path]]:
    """(base URL, log file) of a gunicorn with two workers."""
    with tempfile.TemporaryDirectory(prefix="newsroom-ops-") as tmp:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "off",
            "DJANGO_ALLOWED_HOSTS": "news.example.ir",
            "SHARED_CACHE_DIR": str(Path(tmp) / "cache"),
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": "2",
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        log = Path(tmp) / "gunicorn.log"
        with gunicorn(env, log, "/healthz"):
            yield f"http://127.0.0.1:{port}", log


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """Status, headers and body, whatever the status (redirects are not followed)."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_json(url: str) -> tuple[int, dict, dict]:
    status, headers, body = get(url)
    return status, headers, json.loads(body)
