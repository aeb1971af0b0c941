"""A reporter writes a draft, the chief editor schedules it, and it goes live at its time."""

import secrets
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from persiantools.jdatetime import JalaliDateTime

from newsroom.persian import fa_digits
from tests.liveserver import live_server, manage

from .conftest import ARTIFACTS
from .test_accessibility import axe_violations

pytestmark = pytest.mark.browser
HEADLINE = "گزارش آزمایشی خبرنگار دربارهٔ روابط عمومی"
SECTIONS = ["بند یکم گزارش", "بند دوم گزارش", "بند سوم این کار انجام می شود", "بند چهارم گزارش"]


@pytest.fixture(scope="module")
def newsroom(_chromium_present):
    with live_server(artifacts=ARTIFACTS / "writing") as server:
        passwords = {}
        for name in ("reporter", "chief"):
            passwords[name] = "Desk-" + secrets.token_urlsafe(12)
            env = {**server.env, "EDITOR_PASSWORD": passwords[name]}
            manage(env, "create_editor", name, "--role", name)
        yield server, passwords


def sign_in(browser, server, name: str, password: str, path: str):
    context = browser.new_context(locale="fa-IR", bypass_csp=True)  # bypass: to inject axe
    page = context.new_page()
    page.goto(f"{server.url}/admin/login/?next={path}")
    page.locator("#id_username").fill(name)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return context, page


def next_minute_ahead(seconds: int = 20) -> datetime:
    """The first whole minute at least `seconds` from now, in Tehran."""
    now = datetime.now(ZoneInfo("Asia/Tehran"))
    at = (now + timedelta(seconds=seconds)).replace(second=0, microsecond=0)
    return at + timedelta(minutes=1)


def test_reporter_drafts_chief_schedules_it_goes_live(browser, newsroom, axe_source):
    server, passwords = newsroom
    reporter_context, page = sign_in(
        browser, server, "reporter", passwords["reporter"], "/admin/articles/article/add/"
    )
    try:
        page.locator("#id_headline").fill(HEADLINE)
        assert page.locator("#id_slug").input_value().startswith("گزارش-آزمایشی")
        page.locator("#id_lead").fill("مهمترین نکته های این گزارش")
        page.locator("#id_category").select_option(index=1)
        assert page.locator("#id_status").count() == 0  # not the reporter's to set
        for i, text in enumerate(SECTIONS):
            page.locator("#sections-group .add-row a").click()
            page.locator(f"#id_sections-{i}-text").fill(text)
        assert axe_violations(page, axe_source) == []
        # The second section goes first, by keyboard alone.
        page.locator("#sections-1 .section-move button", has_text="بالا").focus()
        page.keyboard.press("Enter")
        with page.expect_navigation():
            page.locator("input[name=_continue]").click()
        errors = page.locator(".errors").evaluate_all("els => els.map(e => e.className)")
        assert page.locator(".messagelist .success").count() == 1, errors
        # The typesetting assistant: apply everything it proposes.
        with page.expect_navigation():
            page.get_by_role("link", name="بررسی حروف‌چینی").click()
        assert axe_violations(page, axe_source) == []
        with page.expect_navigation():
            page.locator("input[type=submit]").click()
        # Preview, as readers will see it.
        preview = page.locator("a.viewsitelink").get_attribute("href")
        page.goto(server.url + preview)
        body = page.locator("main").inner_text()
        assert "پیش‌نمایش" in body
        assert "مهم‌ترین نکته‌های این گزارش" in body
        assert body.index("بند دوم") < body.index("بند یکم") < body.index("بند سوم")
        assert "می‌شود" in body
        article_path = page.url  # the preview stays private: the public page is still 404
        assert page.context.request.get(server.url + "/").text().count(HEADLINE) == 0
    finally:
        reporter_context.close()

    chief_context, desk = sign_in(
        browser, server, "chief", passwords["chief"], "/admin/articles/article/"
    )
    try:
        with desk.expect_navigation():
            desk.get_by_role("link", name=HEADLINE).click()
        assert "/change/" in desk.url and article_path
        change_url = desk.url
        code = desk.locator("#id_news_code").input_value()
        at = next_minute_ahead()
        desk.locator("#id_status").select_option("published")
        desk.locator("#id_published_at").fill(
            fa_digits(JalaliDateTime(at).strftime("%Y/%m/%d %H:%M"))
        )
        with desk.expect_navigation():
            desk.locator("input[name=_save]").click()
        listing = desk.locator("#result_list").inner_text()
        assert "زمان‌بندی‌شده" in listing
        assert HEADLINE not in desk.context.request.get(server.url + "/").text()
        time.sleep(max(0.0, (at - datetime.now(ZoneInfo("Asia/Tehran"))).total_seconds()) + 1)
        assert HEADLINE in desk.context.request.get(server.url + "/").text()  # no one acted

        # History: compare the reporter's first save with now, then restore it.
        desk.goto(change_url.replace("/change/", "/history/"))
        assert axe_violations(desk, axe_source) == []
        rows = desk.locator("#change-history tbody tr")
        assert rows.count() == 3  # the reporter's save, the typesetting, the chief's schedule
        desk.locator('input[name="from"]').last.check()
        with desk.expect_navigation():
            desk.locator("input[type=submit]").click()
        compared = desk.locator("#content-main").inner_text()
        assert "مهمترین" in compared and "مهم‌ترین" in compared
        assert axe_violations(desk, axe_source) == []
        desk.go_back()
        with desk.expect_navigation():
            rows.last.locator("a").click()
        desk.locator("#id_status").select_option("published")  # it was a draft then
        with desk.expect_navigation():
            desk.locator("input[name=_save]").click()
        public = desk.context.request.get(server.url + "/news/" + code + "/").text()
        assert "مهمترین نکته های این گزارش" in public  # the restored lead, on the page at once
    finally:
        chief_context.close()
