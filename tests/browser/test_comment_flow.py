"""A reader's comment from the form to the page, through the editor's approval in the admin."""

import re
import secrets
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from persiantools.jdatetime import JalaliDate
from playwright.sync_api import expect

from .conftest import PageWatch

pytestmark = pytest.mark.browser

RECEIVED = "دیدگاه شما رسید"
APPROVE = "تأیید و انتشار دیدگاه‌های انتخاب‌شده"
APPROVED = "دیدگاه تأیید و منتشر شد"
JALALI_MONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


def fa(number: int) -> str:
    return "".join(PERSIAN_DIGITS[int(d)] for d in str(number))


def unique_comment() -> str:
    # Persian digits make each run's text unique without leaving the Persian script.
    tag = fa(secrets.randbelow(10**8))
    return f"گزارش روشنی بود؛ امیدوارم مرکز صنایع‌دستی استان زودتر راه بیفتد. (شمارهٔ {tag})"


CONFIRM = "یک گام مانده است"


def send_comment(page, article_url: str, name: str, text: str) -> bool:
    """Fill and send the form as a reader would; True if it asked for one confirmation (the
    shared page carries no signed time; without JavaScript the first send asks once)."""
    page.goto(article_url)
    page.get_by_label("نام:", exact=True).fill(name)
    page.get_by_label("دیدگاه شما:", exact=True).fill(text)
    time.sleep(1.5)  # the server refuses a form sent less than a second after it was signed
    page.get_by_role("button", name="ارسال دیدگاه").click()
    page.wait_for_load_state()
    if CONFIRM not in page.locator("form.comment-form").inner_text():
        return False
    assert page.get_by_label("دیدگاه شما:", exact=True).input_value() == text  # kept
    time.sleep(1.5)
    page.get_by_role("button", name="ارسال دیدگاه").click()
    page.wait_for_load_state()
    return True


def approve_in_admin(page, live, text: str) -> None:
    page.goto(live.url + "/admin/")
    if page.locator("#id_username").count():  # not signed in yet in this browser
        page.locator("#id_username").fill(live.editor_username)
        page.locator("#id_password").fill(live.editor_password)
        page.locator("input[type=submit], button[type=submit]").first.click()
        page.wait_for_load_state()
    page.goto(live.url + "/admin/comments/comment/")
    # The desk opens on the pending queue.
    assert page.locator("#changelist-filter li.selected", has_text="در انتظار").count() == 1
    row = page.locator("#result_list tbody tr", has_text=text[:40])
    assert row.count() == 1
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=APPROVE)
    page.locator("button[name=index], input[name=index]").first.click()
    page.wait_for_load_state()
    success = page.locator("ul.messagelist li.success")
    assert APPROVED in success.inner_text()


WAITING = "در انتظار تأیید"


def send_reply(page, parent_text: str, name: str, text: str, javascript: bool) -> bool:
    """«پاسخ» under the comment, then the form as a reader fills it; True if it asked for one
    confirmation (without JavaScript)."""
    parent = page.locator(".comment-list:not(.waiting-list) > .comment", has_text=parent_text)
    parent.get_by_role("link", name=re.compile("^پاسخ")).click()
    page.wait_for_load_state()
    replying = page.locator("form.comment-form .replying-to")
    expect(replying).to_be_visible()
    assert "در پاسخ به" in replying.inner_text()
    if javascript:
        # In place: the form below the article now names the comment, focus is in the text.
        assert page.url.split("#")[0].endswith("/")
        expect(page.get_by_label("دیدگاه شما:", exact=True)).to_be_focused()
    else:
        assert "/reply/" in page.url  # the reply page, with the comment quoted above the form
        assert parent_text[:30] in page.locator(".comment-list").inner_text()
    page.get_by_label("نام:", exact=True).fill(name)
    page.get_by_label("دیدگاه شما:", exact=True).fill(text)
    time.sleep(1.5)
    page.get_by_role("button", name="ارسال دیدگاه").click()
    page.wait_for_load_state()
    if CONFIRM not in page.locator("form.comment-form").inner_text():
        return False
    time.sleep(1.5)
    page.get_by_role("button", name="ارسال دیدگاه").click()
    page.wait_for_load_state()
    return True


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_conversation_from_the_form_to_the_page(browser, live, article_url, javascript):
    """Post, see it waiting (only here), approve in the desk, see it published; another reader
    replies, sees the reply waiting, and after approval it is nested under the comment."""
    contexts = [
        browser.new_context(java_script_enabled=javascript, locale="fa-IR") for _ in range(4)
    ]
    reader_context, editor_context, stranger_context, replier_context = contexts
    try:
        reader = reader_context.new_page()
        watch = PageWatch(reader)
        text = unique_comment()
        asked = send_comment(reader, article_url, "سارا محمدی", text)
        # With JavaScript the form fetched its signed time when focused: sent at once.
        assert asked is not javascript

        assert reader.url.split("#")[0] == article_url
        # The confirmation stands where the redirect (#comments) lands, not off-screen at the top.
        message = reader.locator("#comments .message")
        assert RECEIVED in message.inner_text()
        expect(message).to_be_in_viewport()
        # The sender sees their comment, marked as waiting; the published list does not have it.
        mine = reader.locator(".waiting-list .comment", has_text=text)
        expect(mine).to_have_count(1)
        assert WAITING in mine.inner_text()
        assert text not in reader.locator(".comment-list:not(.waiting-list)").all_inner_texts()
        reader.reload()  # still there on a later visit, without the message
        expect(reader.locator(".waiting-list .comment", has_text=text)).to_have_count(1)
        stranger = stranger_context.new_page()
        stranger.goto(article_url)
        assert text not in stranger.locator("#comments").inner_text()

        approve_in_admin(editor_context.new_page(), live, text)

        reader.reload()
        comment = reader.locator(".comment-list:not(.waiting-list) > .comment", has_text=text)
        assert comment.count() == 1, (
            "after the editor's approval the reader's reload still gets the page without the "
            "comment: a stale cached page (is the page cache invalidated in every worker?)"
        )
        assert WAITING not in reader.locator("#comments").inner_text()
        assert comment.locator(".comment-author").inner_text() == "سارا محمدی"
        shown_date = comment.locator(".comment-head time").inner_text()
        today = JalaliDate(datetime.now(ZoneInfo("Asia/Tehran")).date())
        assert fa(today.year) in shown_date, shown_date
        assert JALALI_MONTHS[today.month - 1] in shown_date, shown_date
        assert not re.search(r"[0-9]", shown_date), shown_date
        assert watch.problems == []

        # Another reader answers it.
        replier = replier_context.new_page()
        replier.goto(article_url)
        answer = f"پاسخ شمارهٔ {fa(secrets.randbelow(10**8))}: با شما موافقم، کار خوبی است."
        asked = send_reply(replier, text, "رضا کریمی", answer, javascript)
        assert asked is not javascript
        waiting = replier.locator(".waiting-list .comment", has_text=answer)
        expect(waiting).to_have_count(1)
        assert "در پاسخ به سارا محمدی" in waiting.inner_text()

        approve_in_admin(editor_context.new_page(), live, answer)
        replier.reload()
        thread = replier.locator(".comment-list:not(.waiting-list) > .comment", has_text=text)
        expect(thread.locator(".replies > .comment", has_text=answer)).to_have_count(1)
    finally:
        for context in contexts:
            context.close()
