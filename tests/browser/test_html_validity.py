"""The Nu HTML Checker (vnu.jar, offline) finds no error in the HTML the server sends."""

import json
import subprocess
import time

import pytest

pytestmark = pytest.mark.browser


def test_pages_are_valid_html(browser, live, article_url, vnu, artifacts):
    folder = artifacts / "html"
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="fa-IR")
    try:
        page = context.new_page()
        pages = {}
        for name, url in [("home", live.url + "/"), ("article", article_url)]:
            response = page.goto(url)
            assert response.status == 200
            pages[name] = response.text()
        # The page as it comes back with errors beside the fields (HTTP 400).
        page.get_by_label("دیدگاه شما:", exact=True).fill("متنی بدون نام فرستنده.")
        time.sleep(1.2)
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="ارسال دیدگاه").click()
        assert navigation.value.status == 400
        pages["article-refused-comment"] = navigation.value.text()
        # Issue 12: a comment page, the reply page, and the sender's waiting comment.
        from tests.liveserver import shell

        from .test_accessibility import CONVERSATION

        _, parent = shell(live.env, CONVERSATION).split()
        for name, path in [
            ("comment-page", "/news/880001/comments/2/"),
            ("reply-page", f"/news/880001/comments/{parent}/reply/"),
        ]:
            response = page.goto(live.url + path)
            assert response.status == 200
            pages[name] = response.text()
        page.goto(live.url + "/news/880001/")
        page.get_by_label("نام:", exact=True).fill("نگار")
        page.get_by_label("دیدگاه شما:", exact=True).fill("دیدگاهی که منتظر می‌ماند.")
        time.sleep(1.2)
        with page.expect_navigation():
            page.get_by_role("button", name="ارسال دیدگاه").click()
        response = page.goto(live.url + "/news/880001/")  # rendered for this reader alone
        assert "در انتظار تأیید" in response.text()
        pages["article-waiting-comment"] = response.text()
    finally:
        context.close()

    files = []
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))

    result = subprocess.run(  # noqa: S603
        [*vnu, "--format", "json", "--also-check-svg", *files],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    (folder / "vnu.json").write_text(json.dumps(messages, ensure_ascii=False, indent=1))
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] in {"error", "non-document-error"}
    ]
    assert errors == []
