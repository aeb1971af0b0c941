"""The moderation desk in Chromium, as an editor: 100 waiting comments cleared by keyboard alone
and again without JavaScript through the row forms, every stored status and moderator checked,
keystrokes, clicks and page loads counted; axe and the desk's own interface text."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.liveserver import live_server, shell

from .conftest import ARTIFACTS, PageWatch
from .test_accessibility import axe_violations

pytestmark = pytest.mark.browser

QUEUE = "/admin/comments/comment/"
PLAN = ["approved"] * 7 + ["rejected"] * 2 + ["spam"]  # per ten comments: 70/20/10 of 100
KEY = {"approved": "KeyA", "rejected": "KeyR", "spam": "KeyS"}
SHOTS = Path("/work/desk-shots")
FIGURES = ARTIFACTS / "desk-figures.json"

SEED = """
import json, sys
from datetime import timedelta
from django.utils import timezone
from articles.models import Article
from comments.models import Comment
article = Article.objects.get(news_code=673206)
Comment.objects.filter(text__startswith="دیدگاه آزمایشی").delete()
now = timezone.now()
fa = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
for i in range(100):
    Comment.objects.create(
        article=article, name=f"خوانندهٔ {str(i).translate(fa)}",
        text=f"دیدگاه آزمایشی شمارهٔ {str(i).translate(fa)} دربارهٔ سخنان استاندار",
        sender_hash=f"sender{i % 7}", created_at=now - timedelta(minutes=i),
    )
"""
READ = """
import json
from comments.models import Comment
rows = Comment.objects.filter(text__startswith="دیدگاه آزمایشی").select_related("moderated_by")
print(json.dumps({c.text: [c.status, c.moderated_by.username if c.moderated_by else None]
                  for c in rows}))
"""
FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def text_of(i: int) -> str:
    return f"دیدگاه آزمایشی شمارهٔ {str(i).translate(FA)} دربارهٔ سخنان استاندار"


EXPECTED = {text_of(i): PLAN[i % 10] for i in range(100)}
BY_TEXT = {text_of(i): i for i in range(100)}


@pytest.fixture(scope="module")
def desk_server(_chromium_present):
    # Its own server and database: these tests decide every waiting comment.
    with live_server(artifacts=ARTIFACTS / "desk") as server:
        yield server


def sign_in(page, server) -> None:
    page.goto(server.url + "/admin/login/?next=" + QUEUE)
    page.locator("#id_username").fill(server.editor_username)
    page.locator("#id_password").fill(server.editor_password)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url("**" + QUEUE)


def record(name: str, figures: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    data = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    data[name] = figures
    FIGURES.write_text(json.dumps(data, ensure_ascii=False, indent=2))
    print(name, figures)


def check_stored(server) -> None:
    stored = json.loads(shell(server.env, READ))
    assert len(stored) == 100
    wrong = {
        text: got for text, got in stored.items() if got != [EXPECTED[text], server.editor_username]
    }
    assert wrong == {}
    counts = {s: sum(1 for v in stored.values() if v[0] == s) for s in set(PLAN)}
    assert counts == {"approved": 70, "rejected": 20, "spam": 10}


def count_loads(page) -> list[str]:
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    return loads


def test_keyboard_clears_100_comments(browser, desk_server, axe_source):
    shell(desk_server.env, SEED)
    context = browser.new_context(locale="fa-IR", timezone_id="Asia/Tehran", bypass_csp=False)
    page = context.new_page()
    watch = PageWatch(page)
    sign_in(page, desk_server)
    loads = count_loads(page)
    page.goto(desk_server.url + QUEUE)
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 100
    # The first waiting comment has the focus: no click needed to start.
    page.wait_for_function("() => document.activeElement.matches('#result_list tbody tr')")
    keys = 0
    started = time.monotonic()
    for _ in range(100):
        text = page.evaluate(
            "document.activeElement.querySelector('.desk-text').textContent.trim()"
        )
        page.keyboard.press(KEY[EXPECTED[text]])
        keys += 1
    page.wait_for_function(
        "() => !document.querySelector('#result_list tr[data-status=pending], .desk-busy')",
        timeout=60_000,
    )
    elapsed = time.monotonic() - started
    assert page.locator(".desk-badge-count").first.inner_text() == "۰"
    expect(page.locator("#desk-live")).to_contain_text("شد")
    check_stored(desk_server)
    assert watch.problems == []
    record(
        "keyboard, JavaScript on",
        {
            "decisions": 100,
            "keystrokes": keys,
            "page_loads": len(loads),
            "keystrokes_per_decision": keys / 100,
            "page_loads_per_decision": len(loads) / 100,
            "seconds": round(elapsed, 1),
        },
    )
    assert keys == 100 and len(loads) == 1
    context.close()


def test_keyboard_moves_undoes_replies_on_the_persian_layout(browser, desk_server):
    shell(desk_server.env, SEED)
    context = browser.new_context(locale="fa-IR", timezone_id="Asia/Tehran")
    page = context.new_page()
    watch = PageWatch(page)
    sign_in(page, desk_server)
    page.wait_for_function("() => document.activeElement.matches('#result_list tbody tr')")
    first = page.evaluate("document.activeElement.querySelector('.desk-text').textContent.trim()")
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("k")
    second = page.evaluate("document.activeElement.querySelector('.desk-text').textContent.trim()")
    assert BY_TEXT[second] == BY_TEXT[first] + 1
    # The Persian layout: the physical A key types «ش», and still approves.
    page.evaluate(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown',"
        " {key: 'ش', code: 'KeyA', bubbles: true}))"
    )
    row = page.locator("#result_list tbody tr", has_text=second)
    page.wait_for_function(
        "t => [...document.querySelectorAll('#result_list tbody tr')].some(r =>"
        " r.textContent.includes(t) && r.dataset.status === 'approved')",
        arg=second,
    )
    # Focus went on to the next waiting comment.
    third = page.evaluate("document.activeElement.querySelector('.desk-text').textContent.trim()")
    assert BY_TEXT[third] == BY_TEXT[second] + 1
    page.keyboard.press("z")
    page.wait_for_function(
        "t => [...document.querySelectorAll('#result_list tbody tr')].some(r =>"
        " r.textContent.includes(t) && r.dataset.status === 'pending')",
        arg=second,
    )
    # Announced (the live region is cleared first, then filled, so each result is read out).
    expect(page.locator("#desk-live")).to_contain_text("بازگردانده شد")
    stored = json.loads(shell(desk_server.env, READ))
    assert stored[second] == ["pending", None]
    # e opens the reply in place; Esc cancels, Ctrl+Enter saves.
    row.focus()
    page.keyboard.press("e")
    page.keyboard.type("یک پاسخ")
    page.keyboard.press("Escape")
    assert row.locator("textarea").count() == 0
    page.keyboard.press("e")
    page.keyboard.type("پاسخ تحریریه به این دیدگاه")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "t => [...document.querySelectorAll('.desk-reply span')].some(s => s.textContent === t)",
        arg="پاسخ تحریریه به این دیدگاه",
    )
    assert watch.problems == []
    context.close()


def test_without_javascript_the_row_forms_clear_100_comments(browser, desk_server):
    shell(desk_server.env, SEED)
    context = browser.new_context(locale="fa-IR", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, desk_server)
    loads = count_loads(page)
    page.goto(desk_server.url + QUEUE)
    clicks = 0
    started = time.monotonic()
    for _ in range(100):
        row = page.locator("#result_list tbody tr").first
        text = row.locator(".desk-text").inner_text().strip()
        row.locator(f"button[value={EXPECTED[text]}]").click()
        clicks += 1
        page.wait_for_load_state()
        # Back at the same queue, told what happened.
        assert page.url.split("#")[0] == desk_server.url + QUEUE
    elapsed = time.monotonic() - started
    assert page.locator("#result_list tbody tr").count() == 0
    check_stored(desk_server)
    record(
        "row forms, JavaScript off",
        {
            "decisions": 100,
            "clicks": clicks,
            "page_loads": len(loads),
            "clicks_per_decision": clicks / 100,
            "page_loads_per_decision": round(len(loads) / 100, 2),
            "seconds": round(elapsed, 1),
        },
    )
    assert clicks == 100
    context.close()


LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
GREGORIAN = re.compile(
    r"January|February|March|April|June|July|August|September|October|November|December|"
    r"ژانویه|فوریه|مارس|آوریل|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر",
    re.IGNORECASE,
)


def test_desk_is_persian_and_accessible(browser, desk_server, axe_source, vnu, tmp_path):
    shell(desk_server.env, SEED)
    context = browser.new_context(locale="fa-IR", timezone_id="Asia/Tehran", bypass_csp=True)
    page = context.new_page()
    sign_in(page, desk_server)
    SHOTS.mkdir(parents=True, exist_ok=True)
    comment_id = page.locator(".desk-card").first.get_attribute("data-comment")
    pages = {
        "queue": QUEUE,
        "queue, all": QUEUE + "?status=all",
        "change form": f"{QUEUE}{comment_id}/change/",
        "index": "/admin/",
        "articles": "/admin/articles/article/",
    }
    problems = {}
    for name, path in pages.items():
        page.goto(desk_server.url + path)
        text = page.evaluate("document.body.innerText")
        # The editor's user name is data, not interface text (shown upper-cased by the admin).
        text = re.sub(re.escape(desk_server.editor_username), "", text, flags=re.IGNORECASE)
        # Key names in the legend are single letters (a, r, s…), not words.
        found = LATIN_WORD.findall(text) + re.findall(r"[0-9]+", text) + GREGORIAN.findall(text)
        if found:
            problems[name] = sorted(set(found))
        if name in ("queue", "change form"):
            # The HTML as the server sent it, before axe or the desk's script touch it.
            (tmp_path / f"{len(list(tmp_path.iterdir()))}.html").write_text(
                page.request.get(page.url).text()
            )
            assert axe_violations(page, axe_source) == [], name
    assert problems == {}
    checked = subprocess.run(  # noqa: S603
        [*vnu, "--errors-only", *map(str, tmp_path.iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(desk_server.url + QUEUE)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{width} px: {overflow} px of sideways scrolling"
        page.screenshot(path=str(SHOTS / f"queue-{width}.png"))
        if width == 390:
            row = page.locator("#result_list tbody tr").first
            for part in (".desk-text", ".desk-status", "button[value=approved]"):
                box = row.locator(part).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, part
    context.close()
