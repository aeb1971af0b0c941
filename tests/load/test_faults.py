"""When the database fails, readers get a Persian 503 and nobody is told "received" falsely."""

import sqlite3
from urllib.parse import quote, urlsplit

from tests.liveserver import database, free_port

from .conftest import serve

NOT_RECEIVED = "آنچه فرستادید ثبت نشد"


def test_database_unreachable(workdir):
    # Set up a real database, then serve the site pointing at a PostgreSQL port nobody listens on.
    with database(workdir):
        unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/newsroom"
        with serve(workdir, unreachable, setup=False, DB_CONN_MAX_AGE="0") as site:
            for path in ("/", "/news/673206/", quote("/section/ایلام/")):
                status, headers, body = site.request("GET", path)
                assert status == 503, (path, status)
                assert "موقتاً در دسترس نیست" in body
                assert headers["Retry-After"] == "30"
            status, _, body = site.request("POST", "/news/673206/comments/", {"name": "x"})
            assert status == 503
            assert NOT_RECEIVED in body
            assert site.post_comment("دیدگاهی که نباید ثبت‌شده اعلام شود") == 503
            assert "Traceback" not in site.log_text()


def test_sqlite_file_that_cannot_be_written(workdir):
    # SQLite's own failure, so tested on SQLite in both CI passes.
    url = f"sqlite:///{workdir / 'db.sqlite3'}"
    with serve(workdir, url, SQLITE_BUSY_TIMEOUT="1") as site:
        assert site.request("GET", "/news/673206/")[0] == 301
        # Another process holds the write lock for the whole test: every write must fail.
        blocker = sqlite3.connect(urlsplit(url).path, timeout=1)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            status, _, body = site.request("POST", "/news/673206/comments/", {"name": "x"})
            assert status in (400, 503)  # validation needs no write; a real post below does
            status = site.post_comment("دیدگاهی که در قفل می‌ماند")
            assert status == 503
            assert NOT_RECEIVED in site.last_body
            status, _, body = site.request("GET", "/")
            assert status in (200, 503)  # readers: the page, or the Persian 503
            if status == 503:
                assert "موقتاً در دسترس نیست" in body
        finally:
            blocker.rollback()
            blocker.close()
        assert "دیدگاهی که در قفل می‌ماند" not in site.stored_texts()
        assert site.post_comment("دیدگاهی پس از آزاد شدن قفل") == 302
