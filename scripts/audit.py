"""`make audit`: Lighthouse on the home and article pages, mobile and desktop presets.

The site runs as in production (gunicorn, DEBUG off) on a fresh temporary database with the
article fixture, exactly as the browser tests start it (tests/liveserver.py). For each
page and preset it prints the four category scores and LCP, CLS and TBT, and keeps the reports
under test-artifacts/lighthouse/. With CI set, it exits 1 when any category is under 95.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.liveserver import live_server  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PRESETS = ["mobile", "desktop"]
CI_MINIMUM = 95
OUT = ROOT / "test-artifacts" / "lighthouse"


def run_lighthouse(url: str, preset: str, name: str) -> dict:
    """One Lighthouse run; a NO_NAVSTART failure (Chrome missed the navigation) is retried once."""
    base = OUT / f"{name}-{preset}"
    command = [
        str(LIGHTHOUSE),
        url,
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        "--output=html",
        f"--output-path={base}",
        "--quiet",
        "--no-enable-error-reporting",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    report_file = Path(f"{base}.report.json")
    for attempt in (1, 2):
        report_file.unlink(missing_ok=True)  # never read an earlier run's report
        result = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, env=env, timeout=300, check=False
        )
        report = json.loads(report_file.read_text()) if report_file.exists() else {}
        error = (report.get("runtimeError") or {}).get("code", "")
        if "NO_NAVSTART" in error + result.stdout + result.stderr and attempt == 1:
            print(f"  {name} {preset}: NO_NAVSTART, running Lighthouse once more", flush=True)
            continue
        if result.returncode or error or not report:
            raise SystemExit(
                f"Lighthouse failed on {url} ({preset}), exit {result.returncode} {error}:\n"
                f"{result.stderr[-3000:]}"
            )
        return report
    raise AssertionError("unreachable")


def summary(report: dict) -> dict:
    audits = report["audits"]
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failing = {
        category: [
            ref["id"]
            for ref in report["categories"][category]["auditRefs"]
            if ref["weight"]
            and (audits[ref["id"]]["score"] or 0) < 1
            and audits[ref["id"]]["scoreDisplayMode"] not in {"notApplicable", "manual"}
        ]
        for category in CATEGORIES
    }
    return {
        **scores,
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "below": {c: ids for c, ids in failing.items() if ids},
    }


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"No Chromium at {CHROMIUM}: install it with `sudo apt-get install chromium`.")
        return 1
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `npm ci` (make audit does).")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    with live_server(artifacts=OUT) as live:
        pages = {"home": live.url + "/", "article": live.article_url()}
        for name, url in pages.items():
            for preset in PRESETS:
                print(f"Lighthouse: {name} ({preset}) …", flush=True)
                rows.append((name, preset, summary(run_lighthouse(url, preset, name))))

    header = f"{'page':<8} {'preset':<8} {'perf':>5} {'a11y':>5} {'b-p':>5} {'seo':>5}"
    header += f" {'LCP ms':>8} {'CLS':>6} {'TBT ms':>7}"
    print("\n" + header)
    print("-" * len(header))
    lowest = 100
    for name, preset, s in rows:
        print(
            f"{name:<8} {preset:<8} {s['performance']:>5} {s['accessibility']:>5}"
            f" {s['best-practices']:>5} {s['seo']:>5} {s['lcp']:>8.0f} {s['cls']:>6.3f}"
            f" {s['tbt']:>7.0f}"
        )
        lowest = min(lowest, *(s[c] for c in CATEGORIES))
    for name, preset, s in rows:
        for category, ids in s["below"].items():
            print(f"  {name} {preset} {category}: not full marks on {', '.join(ids)}")
    print(f"\nReports: {OUT.relative_to(ROOT)}/")
    if os.environ.get("CI") and lowest < CI_MINIMUM:
        print(f"FAIL: a category scored {lowest}, under the CI minimum of {CI_MINIMUM}.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
