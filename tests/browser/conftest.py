"""Debian's Chromium, driven by Playwright, against the real site under gunicorn.

Every test here is marked `browser`. Without /usr/bin/chromium they are skipped with one line
saying how to get it; under CI (CI set) a missing browser or checker fails them instead.
They need no Django test database: the server has its own (see tests/liveserver.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.liveserver import ROOT, LiveServer, live_server

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
IN_CI = bool(os.environ.get("CI"))

MISSING_CHROMIUM = (
    f"browser tests skipped: no Chromium at {CHROMIUM}; "
    "enable them with `sudo apt-get install chromium`"
)


def missing(reason: str) -> None:
    """Skip for a developer, fail under CI: CI must run every browser check."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this is a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def _chromium_present() -> None:
    if not CHROMIUM.exists():
        missing(MISSING_CHROMIUM)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Give every "no Chromium" skip one location, so `-ra` sums them up on a single line."""
    report = yield
    if (
        report.skipped
        and isinstance(report.longrepr, tuple)
        and "no Chromium" in str(report.longrepr[2])
    ):
        report.longrepr = (str(Path(__file__).relative_to(ROOT)), 1, report.longrepr[2])
    return report


@pytest.fixture(autouse=True)
def _browser_tests_need_chromium(_chromium_present) -> None:
    """Every test in this folder needs the browser."""


@pytest.fixture(scope="session")
def live(_chromium_present) -> Iterator[LiveServer]:
    with live_server(artifacts=ARTIFACTS) as server:
        yield server


@pytest.fixture(scope="session")
def article_url(live: LiveServer) -> str:
    return live.article_url()


@pytest.fixture(scope="session")
def browser(_chromium_present):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What went wrong while a page was open: console errors, page errors, failed requests."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on(
            "console",
            lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text}"),
        )
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on(
            "requestfailed",
            lambda req: self.problems.append(f"failed: {req.url} ({req.failure})"),
        )
        page.on(
            "response",
            lambda res: res.status >= 400 and self.problems.append(f"HTTP {res.status}: {res.url}"),
        )


@pytest.fixture
def context(browser) -> Iterator:
    context = browser.new_context(locale="fa-IR", timezone_id="Asia/Tehran")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE_JS.exists():
        missing(f"axe-core is not installed ({AXE_JS} missing): run `npm ci` (make test does)")
    return AXE_JS


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        missing(
            "Java is needed for the Nu HTML Checker: `sudo apt-get install default-jre-headless`"
        )
    if not VNU_JAR.exists():
        missing(f"vnu.jar is not installed ({VNU_JAR} missing): run `npm ci` (make test does)")
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
