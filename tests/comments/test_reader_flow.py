"""What a reader gets when sending a comment, through the test client with CSRF enforced."""

import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.forms import security_hash
from comments.models import THREADS_PER_PAGE, Comment, refresh_article
from tests.conftest import ARTICLE_PAGE_QUERIES, COMMENT_PAGE_QUERIES, comment_data

pytestmark = pytest.mark.django_db

RECEIVED = "دیدگاه شما رسید و پس از تأیید دبیران در همین صفحه منتشر می‌شود؛"


@pytest.fixture
def reader():
    return Client(enforce_csrf_checks=True)


def comments_section(client, article) -> str:
    document = client.get(article.get_absolute_url()).content.decode()
    return document[document.index('<section class="comments"') :]


def approve_in_admin(client, editor, comments):
    """The editor selects the comments in the queue and runs the approve action, as in a browser."""
    client.force_login(editor)
    changelist = client.get("/admin/comments/comment/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', changelist.content.decode())
    response = client.post(
        "/admin/comments/comment/",
        {
            "action": "approve",
            "_selected_action": [c.pk for c in comments],
            "csrfmiddlewaretoken": token.group(1),
        },
        follow=True,
    )
    client.logout()
    return response


def test_post_is_held_then_an_editor_approves_it(reader, article, editor):
    response = reader.post(f"/news/{article.news_code}/comments/", comment_data(article))
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url() + "#comments"

    page = reader.get(response["Location"]).content.decode()
    assert RECEIVED in page
    section = page[page.index('<section class="comments"') :]
    assert RECEIVED in section  # beside the form, where the redirect's #comments lands
    # The sender sees it, marked as waiting; nobody else does, and it is not counted yet.
    waiting = section[section.index('<ol class="comment-list waiting-list">') :]
    assert waiting.index("در انتظار تأیید") < waiting.index("مرزهای جدید") < waiting.index("</ol>")
    assert "مرزهای جدید" not in comments_section(Client(), article)
    assert 'دیدگاه‌ها <span class="count">(۰)</span>' in section
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "مرزهای جدید" not in reader.get("/").content.decode()

    # The message was shown once and is gone on the next visit.
    assert RECEIVED not in reader.get(article.get_absolute_url()).content.decode()

    desk = approve_in_admin(Client(enforce_csrf_checks=True), editor, [comment])
    assert "۱ دیدگاه تأیید و منتشر شد." in desk.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == editor and comment.moderated_at is not None

    section = comments_section(reader, article)
    assert 'دیدگاه‌ها <span class="count">(۱)</span>' in section
    assert '<bdi class="comment-author">مریم احمدی</bdi>' in section
    assert "امیدوارم مرزهای جدید به‌زودی باز شوند." in section
    assert re.search(
        r'<time datetime="[^"]+\+03:30">[۰-۹]+ [^<]+ ۱۴۰[۰-۹]، ساعت [۰-۹]{2}:[۰-۹]{2}</time>',
        section,
    )
    assert "maryam@example.com" not in reader.get(article.get_absolute_url()).content.decode()


def test_rejected_and_spam_never_appear(client, article, editor, post_comment):
    post_comment(article, text="این دیدگاه رد می‌شود.")
    post_comment(article, text="این یکی هرزنامه است.")
    rejected, spam = Comment.objects.order_by("pk")
    rejected.reject(by=editor)
    spam.mark_spam(by=editor)
    section = comments_section(client, article)
    assert "رد می‌شود" not in section and "هرزنامه است" not in section
    assert "(۰)" in section


def test_editor_reply_shows_under_the_comment(client, article, editor, post_comment):
    post_comment(article)
    comment = Comment.objects.get()
    assert comment.save_reply("سپاس از همراهی شما.", editor, expected="")
    comment.approve(by=editor)
    section = comments_section(client, article)
    assert (
        section.index("مرزهای جدید")
        < section.index("پاسخ تحریریه")
        < section.index("سپاس از همراهی شما.")
    )


def test_markup_comes_back_escaped(client, article, editor, post_comment):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    post_comment(article, name="<b>هکر</b>", text=f"متن فارسی {payload}")
    Comment.objects.get().approve(by=editor)
    section = comments_section(client, article)
    assert "<script>alert" not in section and "<img src=x" not in section
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in section
    assert "&lt;b&gt;هکر&lt;/b&gt;" in section


def test_text_is_normalised_before_it_is_stored(article, post_comment):
    post_comment(
        article,
        name="  علي \u202eكريمي\u202c  ",
        text="\u2067سلام\u2069 مي‌خواهم بگويم كه  این خبر مهم است ",
    )
    comment = Comment.objects.get()
    assert comment.name == "علی کریمی"
    assert comment.text == "سلام می‌خواهم بگویم که  این خبر مهم است"
    assert "\u200c" in comment.text  # ZWNJ kept


def test_mixed_direction_name_is_isolated(client, article, editor, post_comment):
    post_comment(article, name="John اسمیت 2")
    Comment.objects.get().approve(by=editor)
    assert '<bdi class="comment-author">John اسمیت 2</bdi>' in comments_section(client, article)


def test_mistakes_keep_the_readers_text_with_a_persian_error(client, article, post_comment):
    response = post_comment(article, name="", text="متنی که نباید گم شود")
    assert response.status_code == 400
    document = response.content.decode()
    assert "نام خود را بنویسید." in document
    assert "متنی که نباید گم شود</textarea>" in document
    assert '<html lang="fa" dir="rtl">' in document
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": ""}, "متن دیدگاه را بنویسید."),
        ({"text": None}, "متن دیدگاه را بنویسید."),
        ({"text": "   \u202e  "}, "متن دیدگاه را بنویسید."),
        ({"text": "ب" * 2001}, "دیدگاه حداکثر ۲۰۰۰ نویسه می‌تواند باشد؛ این متن ۲۰۰۱ نویسه دارد."),
        ({"name": "ن" * 81}, "نام حداکثر ۸۰ نویسه می‌تواند باشد."),
        ({"email": "not-an-email"}, "نشانی ایمیل درست نیست"),
        ({"text": "سلام\x00دنیا"}, "متن نباید نویسهٔ تهی (NUL) داشته باشد"),
        ({"name": "\x00"}, "متن نباید نویسهٔ تهی (NUL) داشته باشد"),
        ({"security_hash": "0" * 40}, "فرم معتبر نیست یا دست‌کاری شده است"),
        ({"security_hash": None}, "فرم معتبر نیست یا دست‌کاری شده است"),
        ({"timestamp": "abc"}, "فرم معتبر نیست یا دست‌کاری شده است"),
    ],
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(article, post_comment, overrides, message):
    response = post_comment(article, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Comment.objects.count() == 0


def test_too_fast_and_too_old_are_refused(article, post_comment):
    now = int(time.time())
    fast = post_comment(article, timestamp=str(now), security_hash=security_hash(article.pk, now))
    assert fast.status_code == 400
    assert "فرم خیلی سریع فرستاده شد" in fast.content.decode()
    old = now - 3 * 60 * 60
    stale = post_comment(article, timestamp=str(old), security_hash=security_hash(article.pk, old))
    assert stale.status_code == 400
    assert "این فرم کهنه شده است" in stale.content.decode()
    # The form comes back re-signed with the reader's text, so a retry goes through.
    document = stale.content.decode()
    retry_ts = int(re.search(r'name="timestamp" value="(\d+)"', document).group(1))
    assert retry_ts >= now
    assert Comment.objects.count() == 0


def test_signature_is_bound_to_the_article(article, post_comment):
    ts = int(time.time()) - 10
    response = post_comment(
        article, timestamp=str(ts), security_hash=security_hash(article.pk + 1, ts)
    )
    assert response.status_code == 400


def test_honeypot_is_kept_as_spam_and_never_shown(client, article, post_comment):
    response = post_comment(article, honeypot="http://spam.example")
    assert response.status_code == 302  # the bot learns nothing
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert "مرزهای جدید" not in comments_section(client, article)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_cross_site_posts_are_refused(client, article, headers):
    response = client.post(f"/news/{article.news_code}/comments/", comment_data(article), **headers)
    assert response.status_code == 403
    assert "درخواست پذیرفته نشد" in response.content.decode()
    assert Comment.objects.count() == 0


def test_same_origin_browser_post_is_accepted(client, article):
    response = client.post(
        f"/news/{article.news_code}/comments/",
        comment_data(article),
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_same_text_twice_is_stored_once(article, post_comment):
    assert post_comment(article).status_code == 302
    assert (
        post_comment(
            article, text="  گزارش خوبی بود؛ امیدوارم مرزهای جدید به‌زودی باز شوند. "
        ).status_code
        == 302
    )
    assert Comment.objects.count() == 1


def test_same_text_from_another_sender_is_a_new_comment(client, article):
    client.post(
        f"/news/{article.news_code}/comments/", comment_data(article), REMOTE_ADDR="10.0.0.1"
    )
    client.post(
        f"/news/{article.news_code}/comments/", comment_data(article), REMOTE_ADDR="10.0.0.2"
    )
    assert Comment.objects.count() == 2
    assert len({c.sender_hash for c in Comment.objects.all()}) == 2


def test_flood_limit_answers_429_in_persian(settings, article, post_comment):
    settings.COMMENT_RATE = "3/m"
    for n in range(3):
        assert post_comment(article, text=f"دیدگاه شمارهٔ {n}").status_code == 302
    response = post_comment(article, text="دیدگاه چهارم که نباید گم شود")
    assert response.status_code == 429
    document = response.content.decode()
    assert "دیدگاه‌های زیادی از شما رسیده است" in document
    assert "دیدگاه چهارم که نباید گم شود</textarea>" in document
    assert Comment.objects.count() == 3


def test_client_address_is_not_stored(article, post_comment):
    post_comment(article)
    comment = Comment.objects.get()
    assert "127.0.0.1" not in str(comment.__dict__)
    assert len(comment.sender_hash) == 32


def test_comment_on_unknown_or_draft_article_is_404(client, article):
    assert client.post("/news/1/comments/", comment_data(article)).status_code == 404
    article.status = article.Status.DRAFT
    article.save()
    assert (
        client.post(f"/news/{article.news_code}/comments/", comment_data(article)).status_code
        == 404
    )
    assert Comment.objects.count() == 0


def test_get_on_the_post_address_is_405(client, article):
    assert client.get(f"/news/{article.news_code}/comments/").status_code == 405


def test_page_queries_stay_fixed_as_approved_comments_grow(
    client, article, django_assert_num_queries, django_capture_on_commit_callbacks, settings
):
    settings.ARTICLE_CACHE_SECONDS = 0  # measure the rendering itself, not the cached copy
    url = article.get_absolute_url()

    def add_and_render(n: int, start: int) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            Comment.objects.bulk_create(
                Comment(
                    article=article,
                    name=f"خواننده {i}",
                    text=f"دیدگاه {i}",
                    fingerprint=str(i),
                    status=Comment.Status.APPROVED,
                )
                for i in range(start, start + n)
            )
            refresh_article(article)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    client.get(url)  # the first rendering ever also makes the fragments' first versions
    few, _ = add_and_render(5, 0)
    many, document = add_and_render(400, 5)
    assert many == few == ARTICLE_PAGE_QUERIES + COMMENT_PAGE_QUERIES
    assert "(۴۰۵)" in document
    assert document.count('class="comment"') == THREADS_PER_PAGE
    # Until the next decision, the comments are not read again.
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        client.get(url)


def test_form_shows_our_policy(client, article):
    section = comments_section(client, article)
    assert "دیدگاه‌ها پس از تأیید دبیران تحریریه منتشر می‌شوند." in section
    assert "توهین، تهمت یا افترا" in section
    assert "به زبان فارسی نباشند یا به موضوع خبر ربطی نداشته باشند" in section
    assert '<button type="submit">ارسال دیدگاه</button>' in section
