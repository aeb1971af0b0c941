"""Backups while comments are being posted, restored into a fresh database and compared.

Runs against the database the suite is configured for: SQLite by default, PostgreSQL when
DATABASE_URL names one (then the copies are made on that server and dropped afterwards).
"""

import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from comments.forms import security_hash
from ops import backup
from tests.liveserver import database, live_server, manage, shell

# Everything a restore must bring back, read the same way from both databases.
SNAPSHOT = """
import json
from django.contrib.auth import get_user_model
from articles.models import Article, Category, Section, Tag
from comments.models import Comment
rows = lambda qs: [{k: str(v) for k, v in row.items()} for row in qs.order_by("pk").values()]
print(json.dumps({
    "articles": rows(Article.objects), "sections": rows(Section.objects),
    "categories": rows(Category.objects), "tags": rows(Tag.objects),
    "comments": rows(Comment.objects),
    "users": rows(get_user_model().objects.only("pk", "username")),
}))
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Poster(threading.Thread):
    """Posts comments to the live server as fast as it answers, recording when each landed."""

    def __init__(self, url: str, article_pk: int):
        super().__init__(daemon=True)
        self.url, self.article_pk = url, article_pk
        self.accepted: list[float] = []  # monotonic times of answered-"received" posts
        self.failures: list[str] = []
        self.halt = threading.Event()
        self.opener = urllib.request.build_opener(_NoRedirect)

    def run(self):
        n = 0
        while not self.halt.is_set():
            n += 1
            timestamp = int(time.time()) - 10
            form = urllib.parse.urlencode(
                {
                    "name": "خوانندهٔ آزمون",
                    "email": "",
                    "text": f"دیدگاه شمارهٔ {n} که در میانهٔ پشتیبان‌گیری رسید.",
                    "honeypot": "",
                    "timestamp": timestamp,
                    "security_hash": security_hash(self.article_pk, timestamp),
                }
            ).encode()
            try:
                self.opener.open(self.url, data=form, timeout=30)
                self.failures.append("no redirect")
            except urllib.error.HTTPError as answer:
                if answer.code == 302:
                    self.accepted.append(time.monotonic())
                else:
                    self.failures.append(str(answer.code))


@pytest.fixture
def server():
    with live_server(DJANGO_SECRET_KEY=settings.SECRET_KEY, COMMENT_RATE="100000/m") as live:
        manage(live.env, "seed_demo", "--articles", "60", "--comments", "3000", "-v", "0")
        # Decisions by an editor, so statuses, moderators and times must come back too.
        shell(
            live.env,
            "from django.contrib.auth import get_user_model; from comments.models import Comment;"
            f"u = get_user_model().objects.get(username='{live.editor_username}');"
            "qs = Comment.objects.order_by('pk');"
            "qs.filter(pk__in=qs.values('pk')[:500]).moderate('approved', u);"
            "qs.filter(pk__in=qs.values('pk')[500:700]).moderate('rejected', u)",
        )
        yield live


def _snapshot(env: dict) -> dict:
    return json.loads(manage(env, "shell", "-c", SNAPSHOT).strip().splitlines()[-1])


def test_round_trip_while_comments_arrive(server, tmp_path):
    article_pk = int(
        shell(
            server.env,
            "print(__import__('articles.models').models.Article.objects.get(news_code=673206).pk)",
        )
    )
    poster = Poster(server.url + "/news/673206/comments/", article_pk)
    poster.start()
    try:
        deadline = time.monotonic() + 30
        while len(poster.accepted) < 5:  # posting is under way
            assert time.monotonic() < deadline, poster.failures[:5]
            time.sleep(0.05)
        before = _snapshot(server.env)  # everything committed before the backup began
        began = time.monotonic()
        out = manage(server.env, "backup", "--dir", str(tmp_path / "backups"))
        ended = time.monotonic()
        time.sleep(0.5)
    finally:
        poster.halt.set()
        poster.join(timeout=30)
    after = _snapshot(server.env)

    assert poster.failures == []
    assert [t for t in poster.accepted if began < t < ended], "no post landed during the backup"
    files = sorted((tmp_path / "backups").iterdir())
    dump = next(f for f in files if f.name.endswith((".sqlite3", ".dump")))
    assert dump.name in out
    assert (
        (tmp_path / "backups" / (dump.name + ".sha256"))
        .read_text()
        .startswith(backup._sha256(dump))
    )

    # The live database is not empty: restore refuses to overwrite it.
    with pytest.raises(RuntimeError, match="not empty"):
        manage(server.env, "restore", str(dump))
    assert len(_snapshot(server.env)["comments"]) >= len(after["comments"])

    with database(tmp_path / "restored") as url:
        (tmp_path / "restored").mkdir(exist_ok=True)
        env = {**server.env, "DATABASE_URL": url, "DJANGO_MEDIA_ROOT": str(tmp_path / "m")}
        manage(env, "restore", str(dump))
        restored = _snapshot(env)

    for table, rows in before.items():
        by_pk = {row["id"]: row for row in restored[table]}
        missing_or_changed = [row for row in rows if by_pk.get(row["id"]) != row]
        assert missing_or_changed == [], table
    # One consistent moment: nothing the backup holds is newer than what the site had after.
    assert len(before["comments"]) <= len(restored["comments"]) <= len(after["comments"])
    assert {c["id"] for c in restored["comments"]} <= {c["id"] for c in after["comments"]}
    statuses = {c["status"] for c in restored["comments"]}
    assert {"approved", "rejected", "pending"} <= statuses


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> dict:
    """The environment of a migrated SQLite file (the suite's own test database lives in
    memory, which SQLite's backup API cannot copy from inside a test's transaction)."""
    folder = tmp_path_factory.mktemp("migrated")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "SHARED_CACHE_DIR": str(folder / "cache"),
        "BACKUP_DIR": str(folder / "backups"),
    }
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    return env


def _backup(env: dict, *args: str) -> Path:
    first_line = manage(env, "backup", *args).splitlines()[0]
    return Path(first_line.split(" (")[0])


def test_restore_refuses_a_database_with_tables(migrated):
    made = _backup(migrated, "--no-media")
    with pytest.raises(RuntimeError, match="not empty"):
        manage(migrated, "restore", str(made))
    assert manage(migrated, "restore", str(made), "--force").startswith("Restored ")


def test_restore_refuses_a_damaged_backup(migrated, tmp_path):
    made = _backup(migrated, "--no-media")
    with made.open("r+b") as f:
        f.seek(200)
        f.write(b"\x00damage")
    fresh = {**migrated, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    with pytest.raises(RuntimeError, match="does not match its checksum"):
        manage(fresh, "restore", str(made))
    made.with_name(made.name + ".sha256").unlink()
    with pytest.raises(RuntimeError, match="missing"):
        manage(fresh, "restore", str(made))


def test_media_and_retention(migrated, tmp_path):
    media = Path(migrated["DJANGO_MEDIA_ROOT"]) / "photos"
    media.mkdir(parents=True, exist_ok=True)
    (media / "a.jpg").write_bytes(b"jpeg bytes")
    folder = tmp_path / "kept"
    made = [_backup(migrated, "--dir", str(folder), "--keep", "2") for _ in range(3)]
    stems = [p.name.removesuffix(".sqlite3") for p in made[1:]]
    expected = [
        f"{stem}{suffix}"
        for stem in stems
        for suffix in (".sqlite3", ".sqlite3.sha256", ".media.tar.gz", ".media.tar.gz.sha256")
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)

    # The photos come back with the database.
    fresh = {
        **migrated,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "restored-media"),
    }
    manage(fresh, "restore", str(made[-1]))
    assert (tmp_path / "restored-media" / "photos" / "a.jpg").read_bytes() == b"jpeg bytes"
