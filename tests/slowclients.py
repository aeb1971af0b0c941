"""Slow clients and ordinary readers against a server on 127.0.0.1 (load test and
scripts/slow_clients.py).

SlowClients keeps a number of connections open that send partial headers, or whole headers
and then a body, a byte every few seconds, and opens a new one when the server drops one.
read_pages() is the ordinary readers meanwhile. Both stop at a deadline and at a count.
"""

from __future__ import annotations

import contextlib
import http.client
import select
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"
MAX_CONNECTS = 1000  # across a whole run, reconnections included


class SlowClients:
    """`count` slow connections to HOST:port, `bodies` of them trickling a comment post body."""

    def __init__(self, port: int, count: int = 50, bodies: int = 10, interval: float = 2.0):
        if not 0 <= bodies <= count <= 50:
            raise ValueError("at most 50 slow connections, bodies among them")
        self.port, self.count, self.bodies, self.interval = port, count, bodies, interval
        self.opened = self.dropped = 0
        self._sockets: list[tuple[socket.socket, bool]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SlowClients:
        for n in range(self.count):
            self._sockets.append(self._open(body=n < self.bodies))
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for sock, _ in self._sockets:
            sock.close()

    def _open(self, body: bool) -> tuple[socket.socket, bool]:
        self.opened += 1
        sock = socket.create_connection((HOST, self.port), timeout=5)
        if body:
            sock.sendall(
                b"POST /news/673206/comments/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 100000\r\n\r\nname="
            )
        else:
            sock.sendall(b"GET /?slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        return sock, body

    def _alive(self, sock: socket.socket) -> bool:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return True
        with contextlib.suppress(OSError):
            sock.recv(4096)  # an error answer or EOF: either way the server gave up on us
        return False

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for i, (sock, body) in enumerate(self._sockets):
                try:
                    if not self._alive(sock):
                        raise ConnectionError
                    sock.send(b"a")
                except OSError:
                    self.dropped += 1
                    sock.close()
                    if self.opened >= MAX_CONNECTS:
                        return
                    with contextlib.suppress(OSError):
                        self._sockets[i] = self._open(body)


@dataclass
class Readers:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # every attempt, failed ones too
    ok: int = 0
    errors: int = 0

    @property
    def rps(self) -> float:
        return self.ok / self.seconds

    def percentile(self, q: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1]

    def summary(self) -> str:
        return (
            f"{self.rps:,.0f} req/s, p50 {self.percentile(50) * 1000:,.0f} ms, "
            f"p99 {self.percentile(99) * 1000:,.0f} ms, {self.ok} answered 200, "
            f"{self.errors} errors"
        )


def read_pages(
    port: int,
    path: str,
    seconds: float,
    threads: int = 4,
    timeout: float = 5.0,
    headers: dict[str, str] | None = None,
    max_requests: int = 200_000,
) -> Readers:
    """`threads` readers fetching path for `seconds`; anything but a 200 in time is an error."""
    result = Readers(seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def reader() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        while time.monotonic() < deadline and len(result.latencies) < max_requests:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers or {})
                response = conn.getresponse()
                response.read()
                good = response.status == 200
            except OSError:
                good = False
                conn.close()
            with lock:
                result.latencies.append(time.perf_counter() - start)
                result.ok += good
                result.errors += not good
        conn.close()

    workers = [threading.Thread(target=reader, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + timeout + 5)
    return result
