"""axe-core finds nothing to report on the reader's pages, in light and dark colours."""

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COLOR_SCHEMES = ["light", "dark"]


def axe_violations(page, axe_source) -> list[str]:
    page.add_script_tag(path=str(axe_source))
    # axe's default: every rule but the experimental ones (WCAG 2.x A/AA, best practice).
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.fixture(params=COLOR_SCHEMES)
def scheme_page(browser, request):
    # bypass_csp: the site's Content-Security-Policy (rightly) refuses the injected axe script.
    context = browser.new_context(color_scheme=request.param, locale="fa-IR", bypass_csp=True)
    yield context.new_page()
    context.close()


def test_home_page(scheme_page, live, axe_source):
    scheme_page.goto(live.url + "/")
    assert axe_violations(scheme_page, axe_source) == []


def test_article_page(scheme_page, article_url, axe_source):
    scheme_page.goto(article_url)
    assert axe_violations(scheme_page, axe_source) == []


def test_article_page_after_a_refused_comment(scheme_page, article_url, axe_source):
    scheme_page.goto(article_url)
    scheme_page.get_by_label("دیدگاه شما:", exact=True).fill("متنی بدون نام فرستنده.")
    time.sleep(1.2)
    scheme_page.get_by_role("button", name="ارسال دیدگاه").click()
    scheme_page.wait_for_load_state()
    assert "نام خود را بنویسید." in scheme_page.locator("#comments").inner_text()
    assert scheme_page.get_by_label("نام:", exact=True).get_attribute("aria-invalid") == "true"
    assert axe_violations(scheme_page, axe_source) == []


# A second article with a conversation of three pages, made once in the live database (the
# governor's article keeps its own comments for the flows).
CONVERSATION = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Category
from comments.models import Comment, refresh_article
article, made = Article.objects.get_or_create(
    news_code=880001,
    defaults=dict(headline="گفت‌وگوی خوانندگان دربارهٔ بودجهٔ استان", lead="لید خبر",
                  category=Category.objects.first(), status="published"),
)
if made:
    start = timezone.now() - timedelta(days=1)
    roots = Comment.objects.bulk_create(
        Comment(article=article, name=f"خواننده {i}", text=f"دیدگاه شمارهٔ {i} دربارهٔ بودجه",
                fingerprint=f"a{i}", status="approved", created_at=start + timedelta(minutes=i))
        for i in range(70)
    )
    Comment.objects.bulk_create(
        Comment(article=article, parent=roots[35], name="پاسخ‌دهنده", text="پاسخ به دیدگاه",
                fingerprint="r", status="approved", created_at=start + timedelta(hours=2))
        for _ in range(1)
    )
    refresh_article(article)
threads = Comment.objects.filter(article=article, parent=None).order_by("created_at")
print(article.pk, threads[35].pk)
"""


@pytest.fixture(scope="module")
def conversation(live) -> tuple[str, int]:
    from tests.liveserver import shell

    _, parent = shell(live.env, CONVERSATION).split()
    return f"{live.url}/news/880001/", int(parent)


def test_comment_page(scheme_page, conversation, axe_source):
    article, _ = conversation
    scheme_page.goto(article + "comments/2/")
    assert scheme_page.locator(".comment-list > .comment").count() == 30
    assert scheme_page.locator(".replies .comment").count() == 1
    assert axe_violations(scheme_page, axe_source) == []


def test_more_comments_in_place(scheme_page, conversation, axe_source):
    article, _ = conversation
    scheme_page.goto(article)
    assert scheme_page.locator(".comment-list > .comment").count() == 30
    scheme_page.get_by_role("link", name="دیدگاه‌های بیشتر").click()
    # The next page's threads join the list, the focus moves to the first, a live region says so.
    expect(scheme_page.locator(".comment-list > .comment")).to_have_count(60)
    expect(scheme_page.locator("#comments .more-status")).to_have_text("۳۰ دیدگاه دیگر آمد.")
    assert axe_violations(scheme_page, axe_source) == []


def test_reply_page(scheme_page, conversation, axe_source):
    article, parent = conversation
    scheme_page.goto(f"{article}comments/{parent}/reply/")
    assert "پاسخ به دیدگاه" in scheme_page.locator("h1").inner_text()
    assert axe_violations(scheme_page, axe_source) == []


def test_the_senders_waiting_comment(scheme_page, conversation, axe_source):
    article, _ = conversation
    scheme_page.goto(article)
    scheme_page.get_by_label("نام:", exact=True).fill("نگار")
    scheme_page.get_by_label("دیدگاه شما:", exact=True).fill("دیدگاهی که منتظر تأیید می‌ماند.")
    time.sleep(1.2)
    scheme_page.get_by_role("button", name="ارسال دیدگاه").click()
    scheme_page.wait_for_load_state()
    assert "در انتظار تأیید" in scheme_page.locator(".waiting-list").inner_text()
    assert axe_violations(scheme_page, axe_source) == []
