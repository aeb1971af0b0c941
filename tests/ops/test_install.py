"""deploy/install.sh --no-system: the app part of the one-command deploy, into a fresh folder,
against this machine's database server and a redis-server of the test's own. (apt, users,
systemd, nginx and certbot need a real server; the units it renders are checked here.)"""

import os
import subprocess
import sys
from pathlib import Path

from tests.liveserver import ROOT, database, free_port, stop, wait_for
from tests.ops.serving import get_json
from tests.redisserver import redis_server

INSTALL = ROOT / "deploy" / "install.sh"
VENV = Path(sys.executable).parent.parent


def install(prefix: Path, database_url: str, cache_url: str) -> str:
    # Only what a fresh root shell would have: no DATABASE_URL or secret from this test run.
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    result = subprocess.run(  # noqa: S603
        [str(INSTALL), "--no-system", "--prefix", str(prefix), "--domain", "news.example.ir",
         "--database-url", database_url, "--cache-url", cache_url, "--venv", str(VENV)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_install_twice_then_serve_and_back_up(tmp_path):
    prefix = tmp_path / "srv"
    with redis_server() as redis, database(tmp_path) as database_url:
        install(prefix, database_url, redis.url)
        settings = (prefix / ".env").read_text()
        for line in (
            f"DATABASE_URL={database_url}",
            "DJANGO_HTTPS=on",
            "DJANGO_BEHIND_PROXY=on",
            "DJANGO_ALLOWED_HOSTS=news.example.ir",
            "LOG_FORMAT=json",
        ):
            assert line in settings.splitlines()
        assert "DJANGO_SECRET_KEY=change-me" not in settings
        assert oct((prefix / ".env").stat().st_mode)[-3:] == "600"

        # Again (an update): the settings and their secret key are kept, nothing fails.
        again = install(prefix, database_url, redis.url)
        assert (prefix / ".env").read_text() == settings
        assert "No migrations to apply." in again

        unit = (prefix / "etc" / "systemd" / "newsroom.service").read_text()
        assert f"WorkingDirectory={prefix}\n" in unit
        assert f"ExecStart={VENV}/bin/gunicorn" in unit
        assert "/srv/newsroom" not in unit
        site = (prefix / "etc" / "nginx" / "newsroom.conf").read_text()
        assert "server_name news.example.ir;" in site
        assert "/etc/letsencrypt/live/news.example.ir/fullchain.pem" in site
        assert f"alias {prefix}/staticfiles/;" in site

        port = free_port()
        log = tmp_path / "gunicorn.log"
        env = {"PATH": os.environ["PATH"], "PORT": str(port), "WEB_CONCURRENCY": "2"}
        with log.open("wb") as out:
            server = subprocess.Popen(  # noqa: S603
                [str(VENV / "bin" / "gunicorn"), "--config", "gunicorn.conf.py", "newsroom.wsgi"],
                cwd=prefix, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz", server, log)
            status, _, body = get_json(f"http://127.0.0.1:{port}/readyz")
            assert (status, body) == (200, {"status": "ok", "database": "ok", "cache": "ok"})
        finally:
            stop(server)

        backup = subprocess.run(  # noqa: S603
            [str(VENV / "bin" / "python"), "manage.py", "backup"],
            cwd=prefix, env={"PATH": os.environ["PATH"]}, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        assert backup.stdout.startswith(str(prefix / "var" / "backups" / "newsroom-"))


def test_install_needs_a_domain(tmp_path):
    result = subprocess.run(  # noqa: S603
        [str(INSTALL), "--no-system", "--prefix", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "--domain is required" in result.stderr
    assert not any(tmp_path.iterdir())


def test_dry_run_changes_nothing(tmp_path):
    result = subprocess.run(  # noqa: S603
        [str(INSTALL), "--dry-run", "--prefix", str(tmp_path / "srv"),
         "--domain", "news.example.ir"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "+ apt-get update -q" in result.stdout
    assert "+ systemctl enable --now newsroom.service" in result.stdout
    assert not (tmp_path / "srv").exists()
