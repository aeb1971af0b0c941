"""Issue 12: the conversation at any size — comment pages, replies, the sender's own waiting
comment, counts where readers look."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from articles import pagecache
from articles.models import Article, PageVersion
from comments.models import REPLIES_MAX, THREADS_PER_PAGE, Comment, refresh_article
from tests.conftest import comment_data

pytestmark = pytest.mark.django_db


def approved_threads(article: Article, n: int) -> list[Comment]:
    """`n` approved top-level comments, a minute apart, oldest first, counted and paged as
    moderation would."""
    start = timezone.now() - timedelta(days=1)
    Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"خواننده {i}",
            text=f"دیدگاه شمارهٔ {i}",
            fingerprint=f"f{i}",
            status=Comment.Status.APPROVED,
            created_at=start + timedelta(minutes=i),
        )
        for i in range(n)
    )
    refresh_article(article)
    return list(Comment.objects.threads().filter(article=article))


def items(document: str) -> list[str]:
    """The ids of the top-level comments in the page's main list, in order."""
    main = document[document.index('<ol class="comment-list">') :]
    main = main[: main.index("\n  </ol>\n")]
    return re.findall(r'<li class="comment" id="comment-(\d+)">', main)


def test_the_article_page_carries_one_page_of_threads_and_links_the_rest(client, article):
    threads = approved_threads(article, 2 * THREADS_PER_PAGE + 5)
    document = client.get(article.get_absolute_url()).content.decode()
    assert items(document) == [str(c.pk) for c in threads[:THREADS_PER_PAGE]]
    assert 'دیدگاه‌ها <span class="count">(۶۵)</span>' in document
    assert '<a href="#comments">دیدگاه‌ها: ۶۵</a>' in document  # in the article's header
    more = f"/news/{article.news_code}/comments/2/"
    assert f'<a href="{more}" rel="next" data-more>دیدگاه‌های بیشتر</a>' in document

    second = client.get(more)
    assert second.status_code == 200
    page = second.content.decode()
    assert items(page) == [str(c.pk) for c in threads[THREADS_PER_PAGE : 2 * THREADS_PER_PAGE]]
    assert '<meta name="robots" content="noindex, follow">' in page
    assert second["X-Robots-Tag"] == "noindex, follow"
    assert f'<link rel="prev" href="{article.get_absolute_url()}">' in page
    assert f'<link rel="next" href="/news/{article.news_code}/comments/3/">' in page
    assert "public" in second["Cache-Control"]  # cached like the article

    last = client.get(f"/news/{article.news_code}/comments/3/").content.decode()
    assert items(last) == [str(c.pk) for c in threads[2 * THREADS_PER_PAGE :]]
    assert 'rel="next"' not in last
    assert client.get(f"/news/{article.news_code}/comments/4/").status_code == 404
    first = client.get(f"/news/{article.news_code}/comments/1/")
    assert first.status_code == 301
    assert first["Location"] == article.get_absolute_url() + "#comments"


@pytest.mark.parametrize("number", ["0", "99999", "123456", "-1", "۲"])
def test_impossible_comment_pages_are_404(client, article, number):
    approved_threads(article, 3)
    assert client.get(f"/news/{article.news_code}/comments/{number}/").status_code == 404


def test_every_comment_links_to_the_page_that_holds_it(client, article, editor):
    threads = approved_threads(article, THREADS_PER_PAGE + 3)
    on_first, on_second = threads[0], threads[THREADS_PER_PAGE + 1]
    assert on_first.get_absolute_url() == f"{article.get_absolute_url()}#comment-{on_first.pk}"
    url = on_second.get_absolute_url()
    assert url == f"/news/{article.news_code}/comments/2/#comment-{on_second.pk}"
    page, anchor = url.split("#")
    assert f'id="{anchor}"' in client.get(page).content.decode()
    reply = Comment.objects.create(
        article=article, parent=on_second, name="پاسخ‌دهنده", text="پاسخ به دیدگاه دوم"
    )
    reply.approve(by=editor)
    assert reply.get_absolute_url() == f"/news/{article.news_code}/comments/2/#comment-{reply.pk}"
    document = client.get(page).content.decode()
    thread = document[document.index(f'id="comment-{on_second.pk}"') :]
    assert thread.index('<ol class="replies">') < thread.index(f'id="comment-{reply.pk}"')


def test_a_decision_refreshes_only_the_pages_it_changes(client, article, editor, post_comment):
    approved_threads(article, 2 * THREADS_PER_PAGE + 5)
    scopes = [
        pagecache.article_scope(article.news_code),
        pagecache.comments_scope(article.news_code, 2),
        pagecache.comments_scope(article.news_code, 3),
    ]

    def versions():
        return dict(PageVersion.objects.filter(scope__in=scopes).values_list("scope", "version"))

    post_comment(article, c=Client())  # the newest comment: it will land on the last page
    before = versions()
    Comment.objects.pending().get().approve(by=editor)
    after = versions()
    article_page, second, third = scopes
    assert after[second] == before[second]  # nothing on page 2 moved
    assert after[third] != before[third]  # the new comment is there
    assert after[article_page] != before[article_page]  # the count changed

    # A comment removed from page 2 moves every thread after it: pages 2 and 3 change.
    before = after
    Comment.objects.threads().filter(article=article)[THREADS_PER_PAGE + 2].reject(by=editor)
    after = versions()
    assert after[second] != before[second] and after[third] != before[third]


def test_the_sender_sees_their_waiting_comment_and_nobody_else_does(article, editor):
    url = article.get_absolute_url()
    stranger = Client()
    shared_before = stranger.get(url).content
    reader = Client()
    response = reader.post(
        f"/news/{article.news_code}/comments/", comment_data(article, text="دیدگاه منتظر من")
    )
    assert response.status_code == 302
    cookie = response.cookies[pagecache.WAITING_COOKIE]
    assert cookie["path"] == f"/news/{article.news_code}/"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

    own = reader.get(url)
    assert "no-store" in own["Cache-Control"]
    document = own.content.decode()
    waiting = document[document.index('<ol class="comment-list waiting-list">') :]
    assert waiting.index("در انتظار تأیید") < waiting.index("دیدگاه منتظر من")
    # Later visits too (the flash message is gone, the cookie stays), in this browser only.
    assert "دیدگاه منتظر من" in reader.get(url).content.decode()
    assert stranger.get(url).content == shared_before  # the shared page, byte for byte
    assert "دیدگاه منتظر من" not in Client().get(url).content.decode()

    # Approved: shown like any other comment, and the cookie is done with.
    Comment.objects.get().approve(by=editor)
    after = reader.get(url)
    document = after.content.decode()
    assert "دیدگاه منتظر من" in document and "در انتظار تأیید" not in document
    assert after.cookies[pagecache.WAITING_COOKIE].value == ""  # deleted
    assert "دیدگاه منتظر من" in Client().get(url).content.decode()


def test_a_rejected_waiting_comment_disappears_for_its_sender_too(article, editor):
    reader = Client()
    reader.post(f"/news/{article.news_code}/comments/", comment_data(article, text="رد خواهد شد"))
    assert "رد خواهد شد" in reader.get(article.get_absolute_url()).content.decode()
    Comment.objects.get().reject(by=editor)
    assert "رد خواهد شد" not in reader.get(article.get_absolute_url()).content.decode()


def test_a_forged_or_moved_waiting_cookie_shows_nothing(client, article):
    other = Comment.objects.create(article=article, name="دیگری", text="دیدگاه منتظر دیگری")
    url = article.get_absolute_url()
    shared = Client().get(url).content
    # Guessing: an unsigned or re-signed-with-another-key cookie naming someone else's comment.
    client.cookies[pagecache.WAITING_COOKIE] = f"{article.news_code}:{other.pk}"
    assert client.get(url).content == shared
    forged = signing.get_cookie_signer(salt=pagecache.WAITING_COOKIE + "x").sign(
        f"{article.news_code}:{other.pk}"
    )
    client.cookies[pagecache.WAITING_COOKIE] = forged
    assert "دیدگاه منتظر دیگری" not in client.get(url).content.decode()
    # Replaying a valid cookie of another article's page on this one names nothing here.
    moved = signing.get_cookie_signer(salt=pagecache.WAITING_COOKIE + pagecache.WAITING_SALT).sign(
        f"{article.news_code + 1}:{other.pk}"
    )
    client.cookies[pagecache.WAITING_COOKIE] = moved
    assert "دیدگاه منتظر دیگری" not in client.get(url).content.decode()


def test_a_reply_is_held_then_shown_under_its_parent(client, article, editor):
    (parent,) = approved_threads(article, 1)
    response = Client().post(
        f"/news/{article.news_code}/comments/",
        comment_data(article, parent=str(parent.pk), name="رضا", text="پاسخ من به این دیدگاه"),
    )
    assert response.status_code == 302
    reply = Comment.objects.get(parent=parent)
    assert reply.status == Comment.Status.PENDING
    assert "پاسخ من به این دیدگاه" not in client.get(article.get_absolute_url()).content.decode()
    reply.approve(by=editor)
    document = client.get(article.get_absolute_url()).content.decode()
    thread = document[document.index(f'id="comment-{parent.pk}"') :]
    replies = thread[thread.index('<ol class="replies">') :]
    assert replies.index("پاسخ من به این دیدگاه") < replies.index("</ol>")
    assert 'دیدگاه‌ها <span class="count">(۲)</span>' in document


def test_a_reply_to_a_reply_joins_its_thread(article, editor):
    (root,) = approved_threads(article, 1)
    first = Comment.objects.create(article=article, parent=root, name="الف", text="پاسخ اول")
    first.approve(by=editor)
    Client().post(
        f"/news/{article.news_code}/comments/",
        comment_data(article, parent=str(first.pk), text="پاسخ به پاسخ"),
    )
    assert Comment.objects.get(text="پاسخ به پاسخ").parent == root


@pytest.mark.parametrize("which", ["pending", "rejected", "other_article", "missing", "junk"])
def test_replying_to_what_readers_cannot_see_is_refused(article, which):
    other = Article.objects.create(
        headline="خبر دیگر",
        lead="لید",
        news_code=99,
        category=article.category,
        status=Article.Status.PUBLISHED,
    )
    target = {
        "pending": lambda: Comment.objects.create(article=article, name="ا", text="منتظر").pk,
        "rejected": lambda: (
            Comment.objects.create(
                article=article, name="ب", text="رد", status=Comment.Status.REJECTED
            ).pk
        ),
        "other_article": lambda: (
            Comment.objects.create(
                article=other, name="پ", text="آنجا", status=Comment.Status.APPROVED
            ).pk
        ),
        "missing": lambda: 987654,
        "junk": lambda: "abc",
    }[which]()
    response = Client().post(
        f"/news/{article.news_code}/comments/",
        comment_data(article, parent=str(target), text="پاسخ ناروا"),
    )
    assert response.status_code == 400
    document = response.content.decode()
    assert "پاسخ ناروا" in document  # the reader's text is kept
    expected = "عدد" if which == "junk" else "در این خبر منتشر نشده است"
    assert expected in document
    assert not Comment.objects.filter(text="پاسخ ناروا").exists()


def test_a_full_thread_takes_no_more_replies(article, editor):
    (root,) = approved_threads(article, 1)
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=root,
            name=f"پاسخ {i}",
            text=f"پاسخ {i}",
            fingerprint=f"r{i}",
            status=Comment.Status.APPROVED,
        )
        for i in range(REPLIES_MAX)
    )
    response = Client().post(
        f"/news/{article.news_code}/comments/",
        comment_data(article, parent=str(root.pk), text="یک پاسخ دیگر"),
    )
    assert response.status_code == 400
    assert "به سقف" in response.content.decode()


def test_reply_page_works_without_javascript(client, article):
    (parent,) = approved_threads(article, 1)
    document = client.get(article.get_absolute_url()).content.decode()
    link = f"/news/{article.news_code}/comments/{parent.pk}/reply/"
    assert f'href="{link}"' in document
    response = client.get(link)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "پاسخ به دیدگاه <bdi>خواننده 0</bdi>" in page
    assert f'name="parent" value="{parent.pk}"' in page
    pending = Comment.objects.create(article=article, name="ت", text="منتظر")
    refused = client.get(f"/news/{article.news_code}/comments/{pending.pk}/reply/")
    assert refused.status_code == 404
    assert "در این خبر منتشر نشده است" in refused.content.decode()


def test_counts_are_on_the_cards_of_the_list_pages(client, article):
    approved_threads(article, 3)
    for url in ("/", article.category.get_absolute_url(), "/search/?q=روابط"):
        document = client.get(url).content.decode()
        assert f'<a href="{article.get_absolute_url()}#comments">۳ دیدگاه</a>' in document, url


def test_the_desk_shows_what_a_reply_answers(client, article, editor):
    (root,) = approved_threads(article, 1)
    Comment.objects.create(article=article, parent=root, name="رضا", text="پاسخ رضا")
    client.force_login(editor)
    document = client.get("/admin/comments/comment/").content.decode()
    assert "در پاسخ به <bdi>خواننده 0</bdi>" in document


def test_the_desk_change_form_names_the_comment_answered(client, article, editor):
    (root,) = approved_threads(article, 1)
    root.reject(by=editor)
    reply = Comment.objects.create(article=article, parent=root, name="رضا", text="پاسخ رضا")
    client.force_login(editor)
    document = client.get(f"/admin/comments/comment/{reply.pk}/change/").content.decode()
    assert "در پاسخ به <bdi>خواننده 0</bdi>" in document
    assert "(ردشده)" in document  # the parent is no longer public: the editor is told
