"""The real site under gunicorn on a fresh database: browser, load and fault tests, `make audit`.

A PostgreSQL DATABASE_URL in the environment gets a dedicated database on the same server
(created here and dropped afterwards); anything else gets a SQLite file in a temporary folder.
The database is migrated, the article fixture loaded, static files collected and an editor
created, each in a subprocess with the server's own environment, before gunicorn starts.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the virtualenv's bin/, where gunicorn is installed
ARTICLE_PATH = "/news/673206/"
EDITOR_USERNAME = "browser-editor"


@dataclass(frozen=True)
class LiveServer:
    url: str  # http://127.0.0.1:PORT, no trailing slash
    editor_username: str
    editor_password: str
    log: Path
    # The server's environment (its DATABASE_URL…), for `manage.py` runs against its database.
    env: dict[str, str] | None = None

    def article_url(self) -> str:
        """The article's canonical address (the short one redirects there)."""
        with urllib.request.urlopen(self.url + ARTICLE_PATH, timeout=10) as response:  # noqa: S310
            return response.geturl()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql", "postgis"}


@contextlib.contextmanager
def database(workdir: Path) -> Iterator[str]:
    """A DATABASE_URL for a database nobody else uses, removed at the end."""
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        yield f"sqlite:///{workdir / 'db.sqlite3'}"
        return
    import psycopg  # only needed against PostgreSQL

    parts = urlsplit(url)
    name = f"browser_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(
        f"gunicorn did not answer on {url} within {timeout:.0f} s:\n{log.read_text()}"
    )


def manage(env: dict[str, str], *args: str) -> str:
    """manage.py with this environment; what it printed (a failure raises, with its output)."""
    result = subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def shell(env: dict[str, str], code: str) -> str:
    """Python in a Django shell against that server's database: the last line it printed."""
    lines = manage(env, "shell", "-c", code).strip().splitlines()
    return lines[-1] if lines else ""


@contextlib.contextmanager
def live_server(artifacts: Path | None = None, **extra_env: str) -> Iterator[LiveServer]:
    """Serve the production configuration (DEBUG off) on a free port until the block ends."""
    with tempfile.TemporaryDirectory(prefix="newsroom-live-") as tmp:
        workdir = Path(tmp)
        with database(workdir) as database_url:
            port = free_port()
            password = "Kh4bar-" + secrets.token_urlsafe(12)  # unlike the username (validators)
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "DJANGO_DEBUG": "off",
                "DJANGO_HTTPS": "off",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_MEDIA_ROOT": str(workdir / "media"),
                "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY")
                or secrets.token_urlsafe(50),
                "PORT": str(port),
                "HOST": "127.0.0.1",
                "WEB_CONCURRENCY": "2",
                # The flows below send forms a second after loading them, many times a minute.
                "COMMENT_MIN_SECONDS": "1",
                "COMMENT_RATE": "1000/m",
                "EDITOR_PASSWORD": password,
                "PYTHONUNBUFFERED": "1",
                **extra_env,
            }
            manage(env, "migrate", "--noinput", "--verbosity", "0")
            manage(env, "loaddata", "governor_article", "--verbosity", "0")
            manage(env, "collectstatic", "--noinput", "--verbosity", "0")
            manage(env, "create_editor", EDITOR_USERNAME)

            log_dir = artifacts or workdir
            log_dir.mkdir(parents=True, exist_ok=True)
            with gunicorn(env, log_dir / "gunicorn.log", "/"):
                yield LiveServer(
                    f"http://127.0.0.1:{port}",
                    EDITOR_USERNAME,
                    password,
                    log_dir / "gunicorn.log",
                    env,
                )


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log: Path, ready_path: str) -> Iterator[subprocess.Popen]:
    """gunicorn.conf.py's server with `env`, answering on ready_path, stopped at the end."""
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "newsroom.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, ended as one below
        )
    try:
        wait_for(f"http://127.0.0.1:{env['PORT']}{ready_path}", process, log)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=35)  # gunicorn's graceful_timeout is 30 s
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
