"""The article under wrk while Redis is up, stopped and paused: before and after, side by side.

`python scripts/cache_faults.py [--before REF] [--duration S]` checks REF (default: the last
commit before the cache was made an accelerator) out into a temporary git worktree, and serves
it and this checkout each with gunicorn.conf.py on its own SQLite file and its own
redis-server, on free ports of 127.0.0.1. Each phase is measured on both, one after the other,
so other load on the machine weighs on both alike. Prints req/s, p99 and failures per phase.
Needs wrk and redis-server (Debian packages of those names).
"""
# ruff: noqa: S603, S607

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import BASE, GUNICORN, PYTHON, Processes, free_port, http_get, log, wrk

BEFORE = "22f3348"  # the last commit before issue 13's cache work


@contextlib.contextmanager
def worktree(ref: str):
    folder = Path(tempfile.mkdtemp(prefix="newsroom-before-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(folder), ref], cwd=BASE, check=True,
                   capture_output=True)  # fmt: skip
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=BASE,
                       capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


class Variant:
    def __init__(self, name: str, root: Path, work: Path, procs: Processes):
        self.name, self.root, self.procs = name, root, procs
        self.redis_port, self.port = free_port(), free_port()
        self.work = work / name
        self.work.mkdir()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE"))},
            "DJANGO_ENV_FILE": "/nonexistent",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{self.work / 'db.sqlite3'}",
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": "4",
            "GUNICORN_ACCESS_LOG": "",
        }

    def start(self) -> None:
        self.redis = self.procs.start(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            log_path=self.work / "redis.log",
        )  # fmt: skip
        for args in (["migrate", "--noinput"], ["loaddata", "governor_article"],
                     ["collectstatic", "--noinput"]):  # fmt: skip
            subprocess.run([PYTHON, "manage.py", *args, "-v0"], cwd=self.root, env=self.env,
                           check=True, capture_output=True)  # fmt: skip
        self.gunicorn = self.procs.start(
            [GUNICORN, "-c", "gunicorn.conf.py", "newsroom.wsgi"],
            log_path=self.work / "gunicorn.log", cwd=self.root, env=self.env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                status, headers, _ = http_get(self.port, "/news/673206/")
                if status == 301:
                    self.path = headers["location"]
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start: {self.work / 'gunicorn.log'}")
            time.sleep(0.3)
        log(f"{self.name}: gunicorn :{self.port}, redis :{self.redis_port}")

    def redis_signal(self, sig) -> None:
        os.killpg(self.redis.pid, sig)

    def restart_redis(self) -> None:
        self.procs.stop(self.redis)
        self.redis = self.procs.start(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            log_path=self.work / "redis.log",
        )  # fmt: skip
        time.sleep(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help="git ref of the 'before' code")
    parser.add_argument("--duration", type=int, default=8, help="seconds of wrk per figure")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    for tool in ("wrk", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed: sudo apt-get install {tool}")
    wrk_args = SimpleNamespace(duration=args.duration, wrk_threads=1,
                               connections=args.connections)  # fmt: skip
    procs = Processes()
    rows = []
    with worktree(args.before) as old, tempfile.TemporaryDirectory() as tmp:
        try:
            variants = [
                Variant(f"before ({args.before})", old, Path(tmp), procs),
                Variant("after (this checkout)", BASE, Path(tmp), procs),
            ]
            for variant in variants:
                variant.start()
            phases = [
                ("Redis up", lambda v: None, lambda v: None),
                ("Redis stopped", lambda v: procs.stop(v.redis), lambda v: v.restart_redis()),
                ("Redis paused (SIGSTOP)", lambda v: v.redis_signal(signal.SIGSTOP),
                 lambda v: v.redis_signal(signal.SIGCONT)),
            ]  # fmt: skip
            for phase, begin, end in phases:
                for variant in variants:
                    wrk(wrk_args, variant.name, variant.port, variant.path, quiet=True)  # warm
                    begin(variant)
                    try:
                        result = wrk(wrk_args, f"{variant.name}: {phase}", variant.port,
                                     variant.path)  # fmt: skip
                    finally:
                        end(variant)
                    rows.append((phase, variant.name, result))
                    time.sleep(2)
        finally:
            for proc in reversed(procs.running):
                procs.stop(proc)
    print()
    print(f"CACHE FAULTS  wrk {args.duration} s per figure, {args.connections} connections, "
          f"article page, gunicorn.conf.py with 4 sync workers, SQLite")  # fmt: skip
    print(f"{'phase':24} {'code':24} {'answered':>9} {'req/s':>8} {'p99 ms':>8} {'non-2xx':>8} "
          f"{'socket errors':>14}")  # fmt: skip
    for phase, name, r in rows:
        print(f"{phase:24} {name:24} {r.requests:9d} {r.rps:8,.0f} {r.p99_ms:8.1f} "
              f"{r.non_2xx_3xx:8d} {r.socket_errors:14d}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
