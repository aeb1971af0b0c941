"""Load benchmark of the production configuration (`make bench`, BENCH_ARGS="--postgres").

Starts gunicorn with gunicorn.conf.py (DEBUG off) on temporary SQLite databases and measures
with wrk: a hashed static file (the reference every figure is divided by), the warm article
page, the article with the app cache off and 200 approved comments, the home page, accepted
comment posts, the same pages on a `seed_demo` database, nginx in front, the first-view page
weight and the sync/gthread worker classes. Everything binds to 127.0.0.1 on free ports and is
stopped at the end, whatever happens. The page figures are taken in interleaved slices, so
other load on the machine weighs on all of them alike.
"""
# Subprocesses run fixed argument lists of our own tools (gunicorn, wrk, nginx, manage.py).
# ruff: noqa: S603

import argparse
import contextlib
import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
from tests import livenginx  # noqa: E402  (deploy/nginx.conf made local, shared with the tests)

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
GOVERNOR = 673206
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br", "Accept": "text/html,*/*"}
# Variables this script decides per server; the caller's values must not leak in.
CONTROLLED = (
    "ARTICLE_CACHE_SECONDS",
    "COMMENT_RATE",
    "GUNICORN_WORKER_CLASS",
    "GUNICORN_THREADS",
    "GUNICORN_ACCESS_LOG",
    "DATABASE_URL",
    "PORT",
    "HOST",
)

TARGETS = {
    "warm": 0.9,  # warm article ≥ 0.9 × static
    "cold": 0.5,  # cache-off article with 200 comments ≥ 0.5 × static
    "talk_cold": 0.25,  # cache-off article with 5,000 comments ≥ 0.25 × static (issue 12)
    "talk_render": 1.3,  # …and within 1.3 × the cost of the article with 200
    "seed_cost": 20.0,  # seed_demo costs the article page ≤ 20 %
    "nginx": 0.8,  # article through nginx ≥ 0.8 × nginx static
    "weight_total_kb": 120.0,
    "weight_html_kb": 20.0,
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, headers: dict | None = None):
    """One request, no redirects followed: (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={**BROWSER_HEADERS, **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# --- processes ----------------------------------------------------------------------------------


class Processes:
    """Every server started here, so `finally` can stop them all (each in its own group)."""

    def __init__(self):
        self.running: list[subprocess.Popen] = []

    def start(self, args, *, log_path: Path, **kwargs) -> subprocess.Popen:
        with open(log_path, "ab") as out:
            proc = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
            )
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # The group may outlive its leader (gunicorn workers): make sure it is gone.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in list(reversed(self.running)):
            self.stop(proc)


class BenchError(Exception):
    pass


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


class Bench:
    def __init__(self, args, tmp: Path):
        self.args = args
        self.tmp = tmp
        self.procs = Processes()
        self.secret = secrets.token_urlsafe(50)

    # environment and management commands

    def env(self, database_url: str, **extra: str) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
        env.update(
            DJANGO_SECRET_KEY=self.secret,
            DJANGO_DEBUG="off",
            DJANGO_HTTPS="off",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=database_url,
            HOST="127.0.0.1",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def manage(self, env: dict, *args: str) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=BASE, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def django_value(self, env: dict, code: str) -> str:
        """Runs `code` (which prints "VALUE <x>") in Django under `env`; returns x."""
        out = self.manage(env, "shell", "-c", code)
        match = re.search(r"^VALUE (.*)$", out, re.M)
        if not match:
            raise BenchError(f"no value from manage.py shell:\n{out}")
        return match.group(1)

    def comment_count(self, env: dict) -> int:
        return int(
            self.django_value(
                env,
                "from comments.models import Comment; print('VALUE', "
                f"Comment.objects.filter(article__news_code={GOVERNOR}).count())",
            )
        )

    # servers

    def gunicorn(self, name: str, env: dict) -> Server:
        port = free_port()
        env = {**env, "PORT": str(port)}
        log_path = self.tmp / f"gunicorn-{name}.log"
        proc = self.procs.start(
            [GUNICORN, "--config", "gunicorn.conf.py", "newsroom.wsgi"],
            log_path=log_path,
            cwd=BASE,
            env=env,
        )
        server = Server(name, port, proc, log_path)
        self.wait_ready(server, "/")
        log(f"gunicorn «{name}» on 127.0.0.1:{port}")
        return server

    def wait_ready(self, server: Server, path: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.proc.poll() is not None:
                raise BenchError(f"{server.name} exited at start:\n{server.tail()}")
            try:
                status, _, _ = http_get(server.port, path)
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"{server.name} not answering after 60 s:\n{server.tail()}")

    def stop(self, server: Server) -> None:
        self.procs.stop(server.proc)


# --- wrk ----------------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    output: str = ""


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(label: str, output: str) -> Result:
    def find(pattern: str, default: str = "0") -> str:
        match = re.search(pattern, output, re.M)
        return match.group(1) if match else default

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    counts = {}
    match = re.search(r"^BENCH_COUNTS (.*)$", output, re.M)
    if match:
        counts = {k: int(v) for k, v in (kv.split("=") for kv in match.group(1).split())}
    return Result(
        label=label,
        rps=float(find(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=_ms(find(r"^\s+50%\s+(\S+)", "0ms")),
        p99_ms=_ms(find(r"^\s+99%\s+(\S+)", "0ms")),
        requests=int(find(r"^\s*(\d+) requests in")),
        seconds=_ms(find(r"requests in ([\d.]+(?:us|ms|s|m)),", "0ms")) / 1000,
        non_2xx_3xx=int(find(r"Non-2xx or 3xx responses: (\d+)")),
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        counts=counts,
        output=output,
    )


def wrk(
    args, label: str, port: int, path: str, *, seconds=None, script=None, headers=None, quiet=False
) -> Result:
    seconds = seconds or args.duration
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", "--timeout", "10s"]
    for name, value in {**BROWSER_HEADERS, **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    command += [f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    done = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if done.returncode:
        raise BenchError(f"wrk failed for {label}:\n{done.stdout}\n{done.stderr}")
    result = parse_wrk(label, done.stdout)
    if not quiet:
        log(
            f"{label}: {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
            f"p99 {result.p99_ms:.1f} ms, {result.non_2xx_3xx} non-2xx/3xx"
        )
    return result


@dataclass
class Target:
    key: str
    label: str
    port: int
    path: str
    headers: dict | None = None


def interleaved(args, targets: list[Target]) -> dict[str, Result]:
    """Each target for --duration seconds in all, in --rounds slices taken in turn.

    Other load on the machine comes and goes; giving every target a slice of each period (the
    order reversed every other round, which cancels a steady drift) keeps the ratios fair.
    """
    for t in targets:  # fills the app and proxy caches, starts every worker
        if args.warmup:
            wrk(args, t.label, t.port, t.path, seconds=args.warmup, headers=t.headers, quiet=True)
    rounds = max(1, args.rounds)
    seconds = max(1, round(args.duration / rounds))
    parts: dict[str, list[Result]] = {t.key: [] for t in targets}
    for i in range(rounds):
        for t in targets if i % 2 == 0 else reversed(targets):
            result = wrk(
                args, t.label, t.port, t.path, seconds=seconds, headers=t.headers, quiet=True
            )
            parts[t.key].append(result)
    merged = {}
    for t in targets:
        results = parts[t.key]
        result = Result(
            label=t.label,
            rps=sum(r.requests for r in results) / sum(r.seconds for r in results),
            # Percentiles cannot be merged exactly: the median of the slices' values.
            p50_ms=statistics.median(r.p50_ms for r in results),
            p99_ms=statistics.median(r.p99_ms for r in results),
            requests=sum(r.requests for r in results),
            non_2xx_3xx=sum(r.non_2xx_3xx for r in results),
            socket_errors=sum(r.socket_errors for r in results),
            seconds=sum(r.seconds for r in results),
        )
        log(
            f"{t.label}: {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
            f"p99 {result.p99_ms:.1f} ms, {result.non_2xx_3xx} non-2xx/3xx "
            f"(slices: {', '.join(f'{r.rps:,.0f}' for r in results)})"
        )
        merged[t.key] = result
    return merged


# --- comment posts --------------------------------------------------------------------------------

LUA_POSTS = """-- Valid comment forms, each text unique (thread id + counter).
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  counter, acked, c4xx, c5xx, other = 0, 0, 0, 0, 0
end
function request()
  counter = counter + 1
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Sec-Fetch-Site"] = "same-origin",
    ["Origin"] = "%(origin)s",
  }, "%(prefix)s" .. tid .. "-" .. counter)
end
function response(status, headers, body)
  if status == 302 or status == 303 then acked = acked + 1
  elseif status >= 500 then c5xx = c5xx + 1
  elseif status >= 400 then c4xx = c4xx + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local a, f, s, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked"); f = f + t:get("c4xx"); s = s + t:get("c5xx"); o = o + t:get("other")
  end
  io.write(string.format("BENCH_COUNTS acked=%%d c4xx=%%d c5xx=%%d other=%%d\\n", a, f, s, o))
end
"""


@dataclass
class PostReport:
    database: str
    result: Result
    stored: int
    locked: int
    server_errors: int

    @property
    def acked(self) -> int:
        return self.result.counts.get("acked", 0)

    @property
    def errors(self) -> int:
        r = self.result
        return r.non_2xx_3xx + r.socket_errors + r.counts.get("c5xx", 0) + r.counts.get("other", 0)

    @property
    def ok(self) -> bool:
        # Stored may exceed acknowledged by the posts in flight when wrk stopped, never fall short.
        return self.errors == 0 and self.locked == 0 and self.stored >= self.acked > 0


def comment_posts(bench: Bench, database: str, env: dict) -> PostReport:
    args = bench.args
    env = {**env, "COMMENT_RATE": "100000/m"}
    signed = bench.django_value(
        env,
        "import time; from articles.models import Article; "
        "from comments.forms import security_hash; "
        f"a = Article.objects.get(news_code={GOVERNOR}); t = int(time.time()) - 10; "
        "print('VALUE', a.pk, t, security_hash(a.pk, t))",
    )
    _, timestamp, signature = signed.split()
    before = bench.comment_count(env)
    server = bench.gunicorn(f"posts-{database}", env)
    try:
        path = f"/news/{GOVERNOR}/comments/"
        prefix = (
            f"name={quote('خوانندهٔ آزمون بار')}&email=&honeypot="
            f"&timestamp={timestamp}&security_hash={signature}"
            f"&text={quote('دیدگاه آزمون بار شمارهٔ')}+"
        )
        script = bench.tmp / f"posts-{database}.lua"
        script.write_text(
            LUA_POSTS
            % {"path": path, "origin": f"http://127.0.0.1:{server.port}", "prefix": prefix}
        )
        result = wrk(args, f"comment posts ({database})", server.port, path, script=script)
        time.sleep(1)  # let posts in flight when wrk stopped finish
    finally:
        bench.stop(server)
    text = server.log_text()
    report = PostReport(
        database=database,
        result=result,
        stored=bench.comment_count(env) - before,
        locked=len(re.findall(r"database is locked", text, re.I)),
        server_errors=len(re.findall(r"Traceback|\bERROR\b", text)),
    )
    log(
        f"posts ({database}): {result.requests} sent, {report.acked} acknowledged (302), "
        f"{report.stored} stored, {report.errors} errors, {report.locked} 'database is locked'"
    )
    return report


# --- nginx --------------------------------------------------------------------------------------


def start_nginx(bench: Bench, app_port: int) -> Server:
    """deploy/nginx.conf itself in front of app_port (tests/livenginx.py makes it local)."""
    root = bench.tmp / "nginx"
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    args = livenginx.write_conf(root, app_port, port)
    proc = bench.procs.start(args, log_path=root / "stdout.log")
    server = Server("nginx", port, proc, root / "error.log")
    bench.wait_ready(server, "/")
    log(f"nginx on 127.0.0.1:{port} in front of :{app_port}")
    return server


# --- page weight ------------------------------------------------------------------------------


@dataclass
class Weight:
    label: str
    html_raw: int
    html_sent: int
    html_how: str
    css: int
    css_how: str
    fonts: dict

    @property
    def total(self) -> int:
        return self.html_sent + self.css + sum(self.fonts.values())


def page_weight(port: int, page_path: str, css_path: str, label: str) -> Weight:
    status, headers, body = http_get(port, page_path)
    if status != 200:
        raise BenchError(f"page weight: {page_path} answered {status}")
    encoding = headers.get("content-encoding", "")
    if encoding:
        html_raw, html_sent, html_how = len(_decode(body, encoding)), len(body), encoding
    else:
        # What a compressing proxy would send (the app itself does not compress).
        html_raw, html_sent, html_how = len(body), len(gzip.compress(body, 6)), "gzip -6 (Python)"
    status, headers, css = http_get(port, css_path)
    css_how = headers.get("content-encoding", "identity")
    fonts = {}
    for ref in re.findall(rb"url\(['\"]?([^'\")]+\.woff2)['\"]?\)", _decode(css, css_how)):
        font_path = urljoin(css_path, ref.decode())
        status, _, font = http_get(port, font_path)
        if status == 200:
            fonts[font_path.rsplit("/", 1)[-1]] = len(font)
    return Weight(label, html_raw, html_sent, html_how, len(css), css_how, fonts)


def _decode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli  # installed with whitenoise[brotli]

        return brotli.decompress(body)
    return body


# --- the run ------------------------------------------------------------------------------------


def hashed_css() -> str:
    manifest = BASE / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        raise BenchError(
            "staticfiles/staticfiles.json missing: run collectstatic (make bench does)"
        )
    return "/static/" + json.loads(manifest.read_text())["paths"]["css/site.css"]


def copy_sqlite(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def canonical_path(port: int) -> str:
    status, headers, _ = http_get(port, f"/news/{GOVERNOR}/")
    if status not in (301, 302) or "location" not in headers:
        raise BenchError(f"/news/{GOVERNOR}/ answered {status}, expected a redirect")
    return urlsplit(headers["location"]).path


def run(bench: Bench) -> dict:
    args = bench.args
    r: dict = {"notes": [], "load_before": os.getloadavg()[0]}
    css = hashed_css()
    fixture_db = bench.tmp / "fixture.sqlite3"
    fixture_env = bench.env(f"sqlite:///{fixture_db}")

    log("migrate + loaddata governor_article on a temporary SQLite database")
    bench.manage(fixture_env, "migrate", "--noinput", "-v0")
    bench.manage(fixture_env, "loaddata", "governor_article", "-v0")

    # The cache-off server reads the database on every request, so it shows the page as it is
    # now: without comments first, then with the 200 that seed_demo adds.
    cold = bench.gunicorn("fixture, app cache off", {**fixture_env, "ARTICLE_CACHE_SECONDS": "0"})
    article = canonical_path(cold.port)
    r["weights"] = [page_weight(cold.port, article, css, "article, no comments")]
    log("seed_demo --articles 0 --comments 0: the governor's article gets 200 approved comments")
    bench.manage(fixture_env, "seed_demo", "--articles", "0", "--comments", "0", "-v0")
    r["weights"].append(page_weight(cold.port, article, css, "article, 200 comments"))

    posts_db, seeded_db = bench.tmp / "posts.sqlite3", bench.tmp / "seeded.sqlite3"
    copy_sqlite(fixture_db, posts_db)
    copy_sqlite(fixture_db, seeded_db)
    # Issue 12: the same article under a conversation of 5,000 approved comments (one in five a
    # reply): its page carries one page of threads, and the rest is on comment pages.
    talk_db = bench.tmp / "conversation.sqlite3"
    copy_sqlite(fixture_db, talk_db)
    talk_env = bench.env(f"sqlite:///{talk_db}")
    log("seed_demo --governor-comments 5000: the article gets 5,000 approved comments")
    bench.manage(
        talk_env,
        "seed_demo",
        "--articles",
        "0",
        "--comments",
        "0",
        "--governor-comments",
        "5000",
        "-v0",
    )
    seeded_env = bench.env(f"sqlite:///{seeded_db}")
    log(f"seed_demo --articles {args.seed_articles} --comments {args.seed_comments}")
    started = time.monotonic()
    out = bench.manage(
        seeded_env,
        "seed_demo",
        "--articles",
        str(args.seed_articles),
        "--comments",
        str(args.seed_comments),
        "-v0",
    )
    r["seed_seconds"] = time.monotonic() - started
    log(out.strip())

    # Every server up at once, measured in turns (see interleaved()).
    warm = bench.gunicorn("fixture", fixture_env)
    # gunicorn.conf.py's default worker class is sync, chosen with this comparison.
    gthread = bench.gunicorn(
        "fixture, gthread ×4",
        {**fixture_env, "GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "4"},
    )
    seeded_warm = bench.gunicorn("seeded", seeded_env)
    seeded_cold = bench.gunicorn(
        "seeded, app cache off", {**seeded_env, "ARTICLE_CACHE_SECONDS": "0"}
    )
    talk_warm = bench.gunicorn("5,000 comments", talk_env)
    talk_cold = bench.gunicorn(
        "5,000 comments, app cache off", {**talk_env, "ARTICLE_CACHE_SECONDS": "0"}
    )
    r["weights"].append(page_weight(talk_cold.port, article, css, "article, 5,000 comments"))
    log(f"measuring 10 targets, {args.duration} s each in {args.rounds} rounds")
    r.update(
        interleaved(
            args,
            [
                Target("static", "static CSS (reference)", warm.port, css),
                Target("warm", "article, warm", warm.port, article),
                Target("cold", "article, app cache off", cold.port, article),
                Target("home", "home page", warm.port, "/"),
                Target("gthread", "article, warm, gthread ×4", gthread.port, article),
                Target("seeded_warm", "seeded: article, warm", seeded_warm.port, article),
                Target("seeded_cold", "seeded: article, cache off", seeded_cold.port, article),
                Target("seeded_home", "seeded: home page", seeded_warm.port, "/"),
                Target("talk_warm", "5,000 comments: article, warm", talk_warm.port, article),
                Target("talk_cold", "5,000 comments: article, cache off", talk_cold.port, article),
            ],
        )
    )
    for server in (cold, gthread, seeded_warm, seeded_cold, talk_warm, talk_cold):
        bench.stop(server)

    if shutil.which("nginx"):
        nginx = start_nginx(bench, warm.port)
        try:
            r.update(
                interleaved(
                    args,
                    [
                        Target("nginx_static", "nginx: static CSS", nginx.port, css),
                        Target("nginx_article", "nginx: article", nginx.port, article),
                        # The same cached page without on-the-fly gzip: what compression costs.
                        Target(
                            "nginx_identity",
                            "nginx: article, uncompressed",
                            nginx.port,
                            article,
                            {"Accept-Encoding": "identity"},
                        ),
                    ],
                )
            )
            _, headers, _ = http_get(nginx.port, article)
            r["nginx_cache_status"] = headers.get("x-cache-status", "?")
            r["nginx_cache_control"] = headers.get("cache-control", "(none)")
            r["weights"].append(page_weight(nginx.port, article, css, "article via nginx"))
        finally:
            bench.stop(nginx)
        nginx_errors = (bench.tmp / "nginx" / "error.log").read_text(errors="replace")
        if "[error]" in nginx_errors or "[crit]" in nginx_errors:
            r["notes"].append("nginx error.log has errors:\n" + nginx_errors[-1500:])
    else:
        r["notes"].append("nginx not installed: nginx figures skipped")
    bench.stop(warm)

    # Writes last and alone: nothing else competes for the database or the cores.
    r["posts"] = [comment_posts(bench, "SQLite", bench.env(f"sqlite:///{posts_db}"))]
    if args.postgres:
        r["posts"].append(postgres_posts(bench))

    for server_log in sorted(bench.tmp.glob("gunicorn-*.log")):
        text = server_log.read_text(errors="replace")
        problems = len(re.findall(r"Traceback|\bERROR\b|\bCRITICAL\b|WORKER TIMEOUT", text))
        if problems:
            r["notes"].append(f"{server_log.name}: {problems} error/traceback/timeout lines")
    return r


def postgres_posts(bench: Bench) -> PostReport:
    import psycopg  # installed with the project (psycopg[binary])

    admin_url = bench.args.postgres_url
    name = f"bench_{os.getpid()}"
    database_url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"PostgreSQL database {name} created")
    try:
        env = bench.env(database_url)
        bench.manage(env, "migrate", "--noinput", "-v0")
        bench.manage(env, "loaddata", "governor_article", "-v0")
        return comment_posts(bench, "PostgreSQL", env)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"PostgreSQL database {name} dropped")


# --- the summary --------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def summary(args, r: dict) -> list[bool]:
    static = r["static"].rps or 1.0
    verdicts: list[bool] = []
    rows = []

    def row(result: Result, ratio_to: float, target: str = "", ok: bool | None = None):
        if ok is not None:
            verdicts.append(ok)
        rows.append(
            (
                result.label,
                f"{result.rps:,.0f}",
                f"{result.p50_ms:.1f}",
                f"{result.p99_ms:.1f}",
                f"{result.rps / ratio_to:.2f}×",
                target,
                "" if ok is None else verdict(ok),
            )
        )

    row(r["static"], static, "reference")
    row(
        r["warm"], static, f"≥ {TARGETS['warm']}× static", r["warm"].rps / static >= TARGETS["warm"]
    )
    row(
        r["cold"], static, f"≥ {TARGETS['cold']}× static", r["cold"].rps / static >= TARGETS["cold"]
    )
    row(r["home"], static)
    row(r["gthread"], static, "compare with warm (sync)")
    row(r["seeded_warm"], static)
    row(r["seeded_cold"], static)
    row(r["seeded_home"], static)
    row(r["talk_warm"], static)
    row(
        r["talk_cold"],
        static,
        f"≥ {TARGETS['talk_cold']}× static",
        r["talk_cold"].rps / static >= TARGETS["talk_cold"],
    )
    if "nginx_static" in r:
        nginx_static = r["nginx_static"].rps or 1.0
        row(r["nginx_static"], nginx_static, "nginx reference")
        ratio = r["nginx_article"].rps / nginx_static
        row(
            r["nginx_article"],
            nginx_static,
            f"≥ {TARGETS['nginx']}× nginx static",
            ratio >= TARGETS["nginx"],
        )
        row(r["nginx_identity"], nginx_static, "diagnostic: no gzip")

    print()
    print("=" * 112)
    print(
        f"BENCH SUMMARY  wrk {args.duration} s per figure in {args.rounds} interleaved slices, "
        f"{args.connections} connections, {args.wrk_threads} wrk thread; gunicorn.conf.py, "
        f"DEBUG off; {os.cpu_count()} cores, load average {r['load_before']:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after"
    )
    print("=" * 112)
    header = ("measurement", "req/s", "p50 ms", "p99 ms", "ratio", "target", "")
    widths = [44, 9, 8, 8, 7, 26, 4]
    print(
        "  ".join(
            h.ljust(w) if i in (0, 5) else h.rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    for values in rows:
        print(
            "  ".join(
                v.ljust(w) if i in (0, 5) else v.rjust(w)
                for i, (v, w) in enumerate(zip(values, widths, strict=True))
            )
        )
    print("(ratio: to the static CSS through the same server; nginx rows: to nginx serving it)")
    html = r["weights"][1].html_raw / 1024
    print(
        f"(article = /news/{GOVERNOR}/… with 200 approved comments, {html:.0f} KB of HTML, in "
        "every row; 'seeded' = + seed_demo data)"
    )

    cost = r["cold"].rps / r["talk_cold"].rps if r["talk_cold"].rps else float("inf")
    ok = cost <= TARGETS["talk_render"]
    verdicts.append(ok)
    print(
        f"(5,000 comments, cache off: each request costs {cost:.2f}× the article with 200 "
        f"comments; target ≤ {TARGETS['talk_render']}×  {verdict(ok)})"
    )

    print("\nseed_demo cost (fixture-only database → + seed_demo data):")
    for label, base, seeded, target in (
        ("article, warm", r["warm"], r["seeded_warm"], True),
        ("article, app cache off", r["cold"], r["seeded_cold"], True),
        ("home page", r["home"], r["seeded_home"], False),
    ):
        cost = (1 - seeded.rps / base.rps) * 100 if base.rps else 0.0
        line = f"  {label:<26} {base.rps:>9,.0f} → {seeded.rps:>9,.0f} req/s   cost {cost:+6.1f} %"
        if target:
            ok = cost <= TARGETS["seed_cost"]
            verdicts.append(ok)
            line += f"   target ≤ {TARGETS['seed_cost']:.0f} %  {verdict(ok)}"
        print(line)
    print(
        f"  seed_demo --articles {args.seed_articles} --comments {args.seed_comments} "
        f"took {r['seed_seconds']:.1f} s"
    )

    print("\ncomment posts (valid forms, COMMENT_RATE=100000/m):")
    for p in r["posts"]:
        verdicts.append(p.ok)
        res = p.result
        print(
            f"  {p.database:<10} {res.requests:>6} sent  {res.rps:>7,.0f}/s "
            f"({res.rps / static:.2f}× static)  "
            f"p50 {res.p50_ms:.1f} ms  p99 {res.p99_ms:.1f} ms  "
            f"non-2xx/3xx {res.non_2xx_3xx}  5xx {res.counts.get('c5xx', 0)}  "
            f"socket errors {res.socket_errors}  'database is locked' {p.locked}  "
            f"stored {p.stored} / acknowledged {p.acked}\n"
            f"  {'':<10} target: zero errors, zero 'database is locked', no acknowledged "
            f"comment lost  {verdict(p.ok)}"
        )

    print("\npage weight, first view of the article (HTML + CSS + woff2 fonts as sent):")
    for w in r["weights"]:
        fonts = ", ".join(f"{name} {size / 1024:.1f}" for name, size in w.fonts.items())
        total_ok = w.total / 1024 <= TARGETS["weight_total_kb"]
        html_ok = w.html_sent / 1024 <= TARGETS["weight_html_kb"]
        verdicts += [total_ok, html_ok]
        print(
            f"  {w.label:<24} HTML {w.html_raw / 1024:.1f} KB raw → {w.html_sent / 1024:.1f} KB "
            f"({w.html_how})  CSS {w.css / 1024:.1f} KB ({w.css_how})  fonts [{fonts}] KB"
        )
        print(
            f"  {'':<24} total {w.total / 1024:.1f} KB (≤ {TARGETS['weight_total_kb']:.0f}: "
            f"{verdict(total_ok)})  HTML {w.html_sent / 1024:.1f} KB "
            f"(≤ {TARGETS['weight_html_kb']:.0f}: {verdict(html_ok)})"
        )

    print("\ngunicorn worker classes, warm article:")
    print(
        f"  sync    {r['warm'].rps:>9,.0f} req/s  p50 {r['warm'].p50_ms:.1f} ms  "
        f"p99 {r['warm'].p99_ms:.1f} ms  (the default: gunicorn.conf.py)"
    )
    print(
        f"  gthread {r['gthread'].rps:>9,.0f} req/s  p50 {r['gthread'].p50_ms:.1f} ms  "
        f"p99 {r['gthread'].p99_ms:.1f} ms  (4 threads)"
    )
    if "nginx_cache_status" in r:
        print(
            f"\nnginx proxy cache on the article: X-Cache-Status {r['nginx_cache_status']}, "
            f"app Cache-Control {r['nginx_cache_control']}"
        )
    for note in r["notes"]:
        print(f"\nnote: {note}")
    failed = verdicts.count(False)
    print(f"\n{len(verdicts) - failed} PASS, {failed} FAIL")
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="slices each target's time is cut in")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--seed-articles", type=int, default=10_000)
    parser.add_argument("--seed-comments", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="comment posts on PostgreSQL too")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a database to connect to for CREATE/DROP DATABASE bench_<pid>",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args()
    if args.duration < 1 or args.duration > 120 or args.connections < 1:
        parser.error("--duration must be 1–120 s and --connections ≥ 1")

    if not shutil.which("wrk"):
        print("install wrk: sudo apt-get install wrk")
        return 1
    if not Path(GUNICORN).exists():
        print(f"gunicorn not found beside {PYTHON}: run `make bench` (it installs the venv)")
        return 1

    # SIGTERM (e.g. from make or CI) unwinds through `finally` like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    bench = Bench(args, tmp)
    started = time.monotonic()
    try:
        results = run(bench)
    except BenchError as error:
        for server_log in sorted(tmp.glob("gunicorn-*.log")):
            tail = server_log.read_text(errors="replace").splitlines()[-25:]
            print(f"\n--- {server_log.name} (last lines)", *tail, sep="\n", file=sys.stderr)
        print(f"\nbench failed: {error}", file=sys.stderr)
        return 1
    finally:
        bench.procs.stop_all()
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    verdicts = summary(args, results)
    print(f"bench took {time.monotonic() - started:.0f} s")
    return 1 if args.strict and not all(verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
