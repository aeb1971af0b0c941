"""Ordinary readers while 50 slow clients are held: nginx in front against gunicorn alone.

    .venv/bin/python scripts/slow_clients.py [--seconds 12]

Serves the site as `make run` does (gunicorn.conf.py, 2 × cores + 1 sync workers, a fresh
SQLite database) on free ports of 127.0.0.1, and deploy/nginx.conf itself in front of it
(tests/livenginx.py). For each shape, readers fetch the article for a while alone, then while
50 connections trickle partial headers (40) or a comment body (10) a byte every 2 s. Reader
requests carry a session cookie, so nginx's page cache is bypassed and each needs a worker.
Prints req/s, p50, p99 and errors side by side. Needs nginx (`sudo apt-get install nginx`).
"""

import argparse
import multiprocessing
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import livenginx  # noqa: E402
from tests.liveserver import free_port, live_server  # noqa: E402
from tests.slowclients import SlowClients, read_pages  # noqa: E402

READER_HEADERS = {"Cookie": "sessionid=reader", "Accept-Encoding": "gzip"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=12, help="per figure (at most 30)")
    parser.add_argument("--readers", type=int, default=4, help="reader threads (at most 16)")
    args = parser.parse_args()
    seconds, threads = min(args.seconds, 30), min(args.readers, 16)
    if not livenginx.installed():
        print("nginx is not installed: sudo apt-get install nginx")
        return 1
    workers = multiprocessing.cpu_count() * 2 + 1  # gunicorn.conf.py's default
    rows = []
    with live_server(WEB_CONCURRENCY=str(workers), GUNICORN_ACCESS_LOG="") as server:
        app_port = int(server.url.rsplit(":", 1)[1])
        article = server.article_url().removeprefix(server.url)
        nginx_port = free_port()
        with livenginx.live_nginx(app_port, nginx_port) as nginx_dir:
            for shape, port in [
                ("nginx (deploy/nginx.conf) → gunicorn", nginx_port),
                ("gunicorn alone (make run)", app_port),
            ]:
                for slow_count in (0, 50):
                    print(f"  {shape}, {slow_count} slow connections: {seconds:.0f} s", flush=True)
                    with SlowClients(port, count=slow_count, bodies=slow_count // 5) as slow:
                        time.sleep(1)  # let the slow ones take what they can
                        readers = read_pages(
                            port, article, seconds, threads=threads, headers=READER_HEADERS
                        )
                    rows.append((shape, slow_count, readers, slow.opened, slow.dropped))
                    time.sleep(2)  # workers freed by the closed slow connections
            nginx_errors = livenginx.error_log(nginx_dir)
        timeouts = len(re.findall(r"WORKER TIMEOUT", server.log.read_text(errors="replace")))

    print(
        f"\nSLOW CLIENTS  {workers} sync workers; {threads} readers on the article "
        f"(session cookie: every request reaches gunicorn), {seconds:.0f} s per row, "
        "5 s reader timeout;\n50 slow connections = 40 trickling headers + 10 a body, "
        "a byte every 2 s, reopened when dropped"
    )
    print(
        f"{'shape':<40}{'slow':>5}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'200s':>8}{'errors':>8}   slow opened/dropped"
    )
    for shape, slow_count, r, opened, dropped in rows:
        print(
            f"{shape:<40}{slow_count:>5}{r.rps:>9,.0f}{r.percentile(50) * 1000:>9,.0f}"
            f"{r.percentile(99) * 1000:>9,.0f}{r.ok:>8}{r.errors:>8}   {opened}/{dropped}"
        )
    print(f"gunicorn WORKER TIMEOUT lines: {timeouts}")
    if "[crit]" in nginx_errors or "[emerg]" in nginx_errors:
        print("nginx error.log:\n" + nginx_errors[-1500:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
