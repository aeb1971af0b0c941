"""What a backup costs the site: req/s of a real gunicorn before and while `manage.py backup`
runs back to back (README, "Operations").

    .venv/bin/python scripts/backup_load.py --database sqlite:////tmp/seed.sqlite3
    .venv/bin/python scripts/backup_load.py --database postgres://postgres@127.0.0.1/bench

The database must be migrated and seeded (`manage.py seed_demo`), static files collected. wrk
asks for the governor's article, once with the app's page cache (the usual answer) and once
without it (every request renders from the database); each case is measured quiet, under
backups, and quiet again.
"""
# ruff: noqa: S603, S607 (fixed argument lists of our own tools, wrk from PATH)

import argparse
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.liveserver import free_port, gunicorn  # noqa: E402


def wrk(url: str, seconds: int, connections: int) -> tuple[float, str]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return rate, p99


def backups_until(stop: threading.Event, env: dict, folder: Path, times: list[float]) -> None:
    while not stop.is_set():
        out = subprocess.run(
            [sys.executable, "manage.py", "backup", "--dir", str(folder), "--keep", "1",
             "--no-media"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        times.append(float(re.search(r"in ([\d.]+) s", out).group(1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-backup-load-") as tmp:
        for label, cache_seconds in (("page cache on", "600"), ("page cache off", "0")):
            port = free_port()
            env = {
                **os.environ,
                "DATABASE_URL": args.database,
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "SHARED_CACHE_DIR": str(Path(tmp) / "cache"),
                "ARTICLE_CACHE_SECONDS": cache_seconds,
                "GUNICORN_ACCESS_LOG": "",
                "PORT": str(port),
                "HOST": "127.0.0.1",
            }
            with gunicorn(env, Path(tmp) / f"gunicorn-{port}.log", "/healthz"):
                base = f"http://127.0.0.1:{port}"
                with urllib.request.urlopen(base + "/news/673206/", timeout=10) as r:  # noqa: S310
                    url = r.geturl()
                wrk(url, 3, args.connections)  # warm-up
                before = wrk(url, args.seconds, args.connections)
                stop, times = threading.Event(), []
                loop = threading.Thread(
                    target=backups_until, args=(stop, env, Path(tmp) / "backups", times)
                )
                loop.start()
                time.sleep(1)  # the first backup is under way
                during = wrk(url, args.seconds, args.connections)
                stop.set()
                loop.join()
                after = wrk(url, args.seconds, args.connections)
            size = sum(p.stat().st_size for p in (Path(tmp) / "backups").glob("newsroom-*"))
            print(
                f"{label}: {before[0]:,.0f} req/s (p99 {before[1]}) quiet, "
                f"{during[0]:,.0f} req/s (p99 {during[1]}) during {len(times)} backups "
                f"({min(times):.2f}-{max(times):.2f} s each, {size / 1e6:,.0f} MB), "
                f"{after[0]:,.0f} req/s (p99 {after[1]}) after; "
                f"during/quiet {2 * during[0] / (before[0] + after[0]):.2f}"
            )


if __name__ == "__main__":
    main()
