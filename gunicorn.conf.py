"""gunicorn settings for `make run` and production (see README, "Serving")."""

import multiprocessing
import os
import tempfile
from pathlib import Path

import environ

from newsroom.proxies import trusted_proxies

# The same .env the Django settings read (real environment variables win), so PORT and the
# GUNICORN_* values documented in .env.example apply to `make run` too.
environ.Env.read_env(os.environ.get("DJANGO_ENV_FILE", ".env"), overwrite=False)

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers, 2 × cores + 1 of them, by measurement (`make bench`, 2 cores, three runs): on
# the warm article gthread ×4 was faster once and slower twice, and its p99 was 2-12 times
# worse every time (55-370 ms against about 30 ms); the pages are CPU-bound, so threads mostly
# wait for the GIL.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Load the app once in the master: less memory, and a broken app fails at start, not per worker.
preload_app = True
timeout = 30
# On SIGTERM/HUP, finish requests in flight before a worker exits.
graceful_timeout = 30
keepalive = 5
# An empty GUNICORN_ACCESS_LOG turns the access log off (load tests, benchmarks). With
# LOG_FORMAT=json the app writes one JSON line per request instead (ops/middleware.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
if os.environ.get("LOG_FORMAT") == "json":
    accesslog = None
# /healthz, /readyz and /metrics stay out of the access log.
logger_class = "ops.gunicornlog.ProbeQuietLogger"
errorlog = "-"
# The scheme (https) comes only from proxies the Django settings trust too (newsroom/proxies.py):
# nobody unless DJANGO_BEHIND_PROXY=on. gunicorn's own default trusts 127.0.0.1, so a direct
# request could claim https and have cached pages render https links. Only the header our
# nginx sets counts; X-Forwarded-Ssl and -Protocol pass through nginx from the client.
forwarded_allow_ips = ",".join(trusted_proxies(environ.Env()))
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}


# Prometheus's multiprocess mode: each worker writes its counts to files in this folder and a
# scrape adds them up (ops/metrics.py). It must be set before the app imports prometheus_client
# and be empty when the server starts (a new start, or a reload, begins counting from zero,
# which Prometheus's rate() takes as a counter reset).
metrics_dir = Path(
    os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    or Path(tempfile.gettempdir()) / f"newsroom-metrics-{bind.rpartition(':')[2]}"
)
metrics_dir.mkdir(parents=True, exist_ok=True)
for stale in metrics_dir.glob("*.db"):
    stale.unlink()
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)


def child_exit(server, worker):
    """A dead worker's live gauges leave the scrape; its counters stay counted."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def worker_exit(server, worker):
    """Fold the views this worker counted in a local-memory cache before they are lost."""
    from articles.counters import fold

    fold()
