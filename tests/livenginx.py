"""deploy/nginx.conf itself, run locally in front of a gunicorn: tests, `make bench`, slow clients.

Only what cannot run here is replaced: TLS and the port-80 redirect go, the listen address, the
upstream port and the cache, static and media paths become local ones. Everything else (buffering,
timeouts, the proxy cache, headers) is the deployed configuration.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX = os.environ.get("NGINX_PATH") or shutil.which("nginx") or "/usr/sbin/nginx"
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "cache")

HTTP_BLOCK = """# deploy/nginx.conf made local: loopback, no TLS, temporary paths.
daemon off;
worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{
        text/html html; text/css css; application/javascript js; image/svg+xml svg;
        font/woff2 woff2; image/png png; image/jpeg jpg; application/json json;
    }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{site}
}}
"""


def installed() -> bool:
    return Path(NGINX).exists()


def nginx_conf(root: Path, app_port: int, port: int) -> str:
    """The real site config (deploy/nginx.conf) with only what cannot run here replaced."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", site, flags=re.S)  # https redirect
    site = "\n".join(
        line for line in site.splitlines() if not re.match(r"\s*(ssl_|http2 |listen \[::\])", line)
    )
    for real, local in [
        ("listen 443 ssl;", f"listen 127.0.0.1:{port};"),
        ("server 127.0.0.1:8000", f"server 127.0.0.1:{app_port}"),
        ("/var/cache/nginx/newsroom", str(root / "cache")),
        ("/srv/newsroom/staticfiles/", f"{ROOT / 'staticfiles'}/"),
        ("/srv/newsroom/media/", f"{root / 'media'}/"),
    ]:
        if real not in site:
            raise RuntimeError(f"deploy/nginx.conf no longer has {real!r}: update {__file__}")
        site = site.replace(real, local)
    return HTTP_BLOCK.format(tmp=root, site=site)


def write_conf(root: Path, app_port: int, port: int) -> list[str]:
    """Write the config and its folders under root; return the nginx command line."""
    for sub in TEMP_DIRS:
        (root / sub).mkdir(parents=True, exist_ok=True)
    # nginx started as root runs its workers as nobody: they must reach the cache and temp dirs.
    root.parent.chmod(0o755)
    for path in [root, *root.iterdir()]:
        path.chmod(0o777)
    conf = root / "nginx.conf"
    conf.write_text(nginx_conf(root, app_port, port))
    return [NGINX, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")]


@contextlib.contextmanager
def live_nginx(app_port: int, port: int) -> Iterator[Path]:
    """nginx on 127.0.0.1:port in front of gunicorn on app_port until the block ends; yields
    its folder (error.log is there)."""
    with tempfile.TemporaryDirectory(prefix="newsroom-nginx-") as tmp:
        root = Path(tmp) / "nginx"
        root.mkdir()
        args = write_conf(root, app_port, port)
        with (root / "stdout.log").open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (nginx with our config)
                args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            wait_ready(port, process, root)
            yield root
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def wait_ready(port: int, process: subprocess.Popen, root: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited at start:\n{error_log(root)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # nginx answers (the app may not like "/" yet, which is not nginx's business)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nginx not answering on {port} within {timeout:.0f} s:\n{error_log(root)}")


def error_log(root: Path) -> str:
    path = root / "error.log"
    return path.read_text(errors="replace") if path.exists() else ""
