"""A real gunicorn serving the site on its own fresh database, driven over HTTP.

Runs on whatever DATABASE_URL / CACHE_URL the suite runs on (SQLite and local memory in the
first CI pass, PostgreSQL and Redis in the second).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.utils.crypto import salted_hmac

from tests.liveserver import BIN, ROOT, database, free_port, gunicorn, manage

SECRET = "load-" + secrets.token_urlsafe(40)
ARTICLE_PK = 1  # fixtures/governor_article.json


@dataclass
class Site:
    port: int
    env: dict[str, str]
    process: subprocess.Popen
    log: Path
    last_body: str = ""
    last_headers: object = None

    def request(self, method: str, path: str, body: dict | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            payload = urlencode(body, doseq=True) if body is not None else None
            all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
            conn.request(method, path, payload, all_headers)
            response = conn.getresponse()
            return response.status, response.msg, response.read().decode(errors="replace")
        finally:
            conn.close()

    def post_comment(self, text: str, name: str = "خوانندهٔ آزمون", headers=None) -> int:
        ts = int(time.time()) - 10
        digest = salted_hmac("comments.form", f"{ARTICLE_PK}-{ts}", secret=SECRET).hexdigest()
        form = {
            "name": name,
            "text": text,
            "honeypot": "",
            "timestamp": ts,
            "security_hash": digest,
        }
        status, self.last_headers, self.last_body = self.request(
            "POST", "/news/673206/comments/", form, headers
        )
        return status

    def shell(self, code: str):
        """Run Python in a Django shell against the server's database; return its JSON output."""
        result = subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    def stored_texts(self) -> list[str]:
        return self.shell(
            "import json; from comments.models import Comment; "
            "print(json.dumps(list(Comment.objects.values_list('text', flat=True))))"
        )

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def serve(workdir: Path, database_url: str, *, setup: bool = True, **extra) -> Iterator[Site]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_ENV_FILE": "/nonexistent",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_DEBUG": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "4",
        "COMMENT_RATE": "1000000/m",
        "GUNICORN_ACCESS_LOG": "",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    if setup:
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "loaddata", "governor_article", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    log = workdir / f"gunicorn-{port}.log"
    with gunicorn(env, log, "/static/favicon.svg") as process:
        yield Site(port, env, process, log)


@pytest.fixture
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="newsroom-load-") as tmp:
        yield Path(tmp)


@pytest.fixture
def site(workdir) -> Iterator[Site]:
    with database(workdir) as url, serve(workdir, url) as running:
        yield running


def cookies_set(headers) -> dict[str, str]:
    """name → value of every Set-Cookie in a response (there may be several)."""
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def persian_int(text: str) -> int:
    return int(text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))


def changed_count(document: str) -> int:
    match = re.search(r"([۰-۹]+) دیدگاه تأیید و منتشر شد", document)
    return persian_int(match.group(1)) if match else 0
