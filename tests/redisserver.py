"""A redis-server of the test's own, on a free port, that the test can stop, restart, pause and
resume (the shared Redis on 6379 is never touched)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.liveserver import free_port

REDIS_SERVER = shutil.which("redis-server")


def require_redis() -> None:
    if REDIS_SERVER:
        return
    message = "redis-server is not installed (sudo apt-get install redis-server)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class RedisServer:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # RDB on shutdown, so a restarted server comes back with its data (old pages and
        # versions included), as a real one would.
        self.process = subprocess.Popen(  # noqa: S603
            [
                REDIS_SERVER,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.workdir),
                "--save", "3600 1",
                "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock,
            ):
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """SIGTERM: Redis saves its data and exits; connections are refused until start()."""
        if self.process and self.process.poll() is None:
            self.resume()
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)

    def pause(self) -> None:
        """SIGSTOP: the port stays open and accepts, but nothing is ever answered (a hang)."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def command(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603
            [shutil.which("redis-cli"), "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return result.stdout

    def ttls(self) -> dict[str, int]:
        """Every key and its time to live in seconds (-1: none)."""
        keys = [k for k in self.command("--scan").splitlines() if k]
        return {key: int(self.command("TTL", key).strip()) for key in keys}


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    require_redis()
    with tempfile.TemporaryDirectory(prefix="newsroom-redis-") as tmp:
        server = RedisServer(Path(tmp))
        server.start()
        try:
            yield server
        finally:
            server.stop()
