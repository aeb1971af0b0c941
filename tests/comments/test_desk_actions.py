"""The desk's one-click decisions: the in-place endpoints, their forms without JavaScript, the
admin log, undo, and what bad or forged requests get."""

import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.test import Client

from comments.models import Comment

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/comment/"
JSON = {"HTTP_ACCEPT": "application/json"}


def make(article, text, status=Comment.Status.PENDING, sender="s1", **extra):
    return Comment.objects.create(
        article=article, name="خواننده", text=text, status=status, sender_hash=sender, **extra
    )


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def decide(client, comment, status, seen="pending", **extra):
    return client.post(f"{QUEUE}{comment.pk}/decide/?seen={seen}", {"status": status}, **extra)


def test_row_shows_whole_text_context_and_buttons(desk, article):
    long_text = "متن بلند و کامل " * 30
    comment = make(article, long_text.strip())
    comment.save_reply("پاسخ دبیر", None, expected="")
    page = desk.get(QUEUE).content.decode()
    assert long_text.strip() in page  # not cut at 80 characters
    assert f'id="c{comment.pk}"' in page
    assert '<bdi class="desk-name">خواننده</bdi>' in page
    assert f'href="{article.get_absolute_url()}"' in page
    assert re.search(r"<time datetime=\"[^\"]+\">[۰-۹]+ [آ-ی]+ ۱۴[۰-۹]{2}، ساعت", page)
    assert "پاسخ دبیر" in page
    for value in ("approved", "rejected", "spam"):
        assert f'formaction="{QUEUE}{comment.pk}/decide/?seen=pending"' in page
        assert f'name="status" value="{value}"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "کلیدهای میانبر" in page


def test_sender_history_counts_earlier_comments(desk, article):
    make(article, "اولی", Comment.Status.APPROVED, sender="same")
    make(article, "دومی", Comment.Status.APPROVED, sender="same")
    make(article, "سومی", Comment.Status.SPAM, sender="same")
    make(article, "تازه", sender="same")
    page = desk.get(QUEUE).content.decode()
    assert "پیشینهٔ فرستنده: ۲ تأییدشده، ۰ ردشده، ۱ هرزنامه" in page
    everything = desk.get(QUEUE + "?status=all&sender=same").content.decode()
    assert all(text in everything for text in ["اولی", "دومی", "سومی", "تازه"])


def test_decision_without_javascript_returns_to_the_same_queue_position(desk, article, editor):
    first, second = make(article, "اول", sender="a"), make(article, "دوم", sender="b")
    queue = QUEUE + "?p=1"
    response = decide(desk, second, "approved", HTTP_REFERER="http://testserver" + queue)
    assert response.status_code == 302
    assert response["Location"] == f"{queue}#c{first.pk}"
    second.refresh_from_db()
    assert (second.status, second.moderated_by) == (Comment.Status.APPROVED, editor)
    page = desk.get(queue).content.decode()
    assert "دیدگاه «دوم» تأیید شد." in page


def test_decision_in_place_answers_json_and_logs(desk, article, editor):
    comment = make(article, "دیدگاهی برای رد")
    response = decide(desk, comment, "rejected", **JSON)
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] and data["status"] == "rejected" and data["label"] == "ردشده"
    assert data["message"] == "دیدگاه «دیدگاهی برای رد» رد شد."
    assert data["pending"] == 0 and data["pending_text"] == "۰"
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (editor, CHANGE, str(comment.pk))
    assert entry.get_change_message() == "رد شد"
    index = desk.get("/admin/").content.decode()
    assert "فعالیت‌های اخیر" in index and "دیدگاهی برای رد" in index


def test_each_bulk_action_logs_every_changed_comment(desk, article, editor):
    a, b = make(article, "یک", sender="a"), make(article, "دو", sender="b")
    done = make(article, "سه", Comment.Status.APPROVED, sender="c")
    desk.post(QUEUE, {"action": "approve", "_selected_action": [a.pk, b.pk, done.pk]})
    logged = set(LogEntry.objects.values_list("object_id", flat=True))
    assert logged == {str(a.pk), str(b.pk)}
    assert {e.get_change_message() for e in LogEntry.objects.all()} == {"تأیید شد"}


def test_change_form_logs_what_happened(desk, article):
    comment = make(article, "پرسش")
    desk.post(
        f"{QUEUE}{comment.pk}/change/",
        {"status": "pending", "reply": "پاسخ", "reply_seen": "", "_approve": "1"},
    )
    entry = LogEntry.objects.get()
    assert entry.get_change_message() == "پاسخ ذخیره شد؛ تأیید شد"
    history = desk.get(f"{QUEUE}{comment.pk}/history/").content.decode()
    assert "فیلدی تغییر نیافته است" not in history and "تأیید شد" in history


def test_undo_restores_status_and_moderator_exactly(desk, article, editor, django_user_model):
    other = django_user_model.objects.create_user("other", is_staff=True)
    comment = make(article, "برگشت‌پذیر")
    comment.reject(by=other)
    comment.refresh_from_db()
    before = (comment.status, comment.moderated_by_id, comment.moderated_at)
    assert decide(desk, comment, "approved", seen="rejected", **JSON).status_code == 200
    response = desk.post(QUEUE + "undo/", **JSON)
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by_id, comment.moderated_at) == before
    # A pending comment goes back to no moderator and no time.
    fresh = make(article, "تازه", sender="s2")
    decide(desk, fresh, "spam", **JSON)
    desk.post(QUEUE + "undo/", **JSON)
    fresh.refresh_from_db()
    assert (fresh.status, fresh.moderated_by, fresh.moderated_at) == ("pending", None, None)
    assert desk.post(QUEUE + "undo/", **JSON).status_code == 409  # nothing left
    assert LogEntry.objects.filter(change_message__startswith="تصمیم بازگردانده شد").count() == 2


def test_undo_refuses_when_someone_changed_the_comment_since(desk, article, django_user_model):
    other = django_user_model.objects.create_user("other", is_staff=True)
    comment = make(article, "دیدگاه")
    decide(desk, comment, "approved", **JSON)
    Comment.objects.filter(pk=comment.pk).moderate(Comment.Status.SPAM, other)
    response = desk.post(QUEUE + "undo/", **JSON)
    assert response.status_code == 409
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (Comment.Status.SPAM, other)


def test_two_editors_on_one_row_first_stands_second_is_told(
    desk, article, editor, django_user_model, client
):
    comment = make(article, "مورد اختلاف")
    assert decide(desk, comment, "approved", **JSON).status_code == 200
    second = django_user_model.objects.create_user("second", is_staff=True)
    second.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment", "can_moderate"])
    )
    other_client = Client()
    other_client.force_login(second)
    response = decide(other_client, comment, "spam", **JSON)
    assert response.status_code == 409
    assert "dabir" in response.json()["message"] and "تأییدشده" in response.json()["message"]
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (Comment.Status.APPROVED, editor)
    # Without JavaScript the second editor is told by a message where the form lands.
    response = decide(other_client, comment, "rejected", follow=True)
    assert "تصمیم شما ثبت نشد" in response.content.decode()


def test_inline_reply(desk, article, editor):
    comment = make(article, "پرسش خواننده")
    url = f"{QUEUE}{comment.pk}/reply/"
    response = desk.post(url, {"reply": "پاسخ ما", "reply_seen": ""}, **JSON)
    assert response.status_code == 200 and response.json()["reply"] == "پاسخ ما"
    comment.refresh_from_db()
    assert (comment.reply, comment.reply_by) == ("پاسخ ما", editor)
    stale = desk.post(url, {"reply": "پاسخ دیگر", "reply_seen": ""}, **JSON)
    assert stale.status_code == 409
    comment.refresh_from_db()
    assert comment.reply == "پاسخ ما"


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        ("decide/", {"status": "deleted"}, 400),
        ("decide/", {}, 400),
        ("decide/?seen=nonsense", {"status": "approved"}, 400),
        ("reply/", {"reply": "بدون seen"}, 400),
        ("reply/", {"reply": "ب" * 5000, "reply_seen": ""}, 400),
    ],
)
def test_bad_requests_get_a_clear_4xx_and_change_nothing(desk, article, path, data, expected):
    comment = make(article, "دست‌نخورده")
    response = desk.post(f"{QUEUE}{comment.pk}/{path}", data)
    assert response.status_code == expected
    assert (
        "درخواست نامعتبر" in response.content.decode() or "ذخیره نشد" in response.content.decode()
    )
    comment.refresh_from_db()
    assert (comment.status, comment.reply, comment.moderated_by) == ("pending", "", None)
    assert not LogEntry.objects.exists()


def test_get_unknown_and_forged_requests(desk, article, editor):
    comment = make(article, "دست‌نخورده")
    assert desk.get(f"{QUEUE}{comment.pk}/decide/").status_code == 405
    assert desk.get(QUEUE + "undo/").status_code == 405
    assert desk.post(f"{QUEUE}999999/decide/", {"status": "approved"}).status_code == 404
    # A forged cross-site post carries no CSRF token: refused in Persian.
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(editor)
    response = forger.post(f"{QUEUE}{comment.pk}/decide/", {"status": "approved"}, **JSON)
    assert response.status_code == 403
    assert "درخواست پذیرفته نشد" in response.content.decode()
    # The same request with the page's token goes through.
    page = forger.get(QUEUE).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = forger.post(
        f"{QUEUE}{comment.pk}/decide/", {"status": "approved"}, HTTP_X_CSRFTOKEN=token, **JSON
    )
    assert response.status_code == 200
    # Signed out: the admin's sign-in, never a change.
    comment.refresh_from_db()
    anonymous = Client()
    assert anonymous.post(f"{QUEUE}{comment.pk}/decide/", {"status": "spam"}).status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == "approved"


def test_staff_without_moderation_permission_cannot_decide(client, article, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    comment = make(article, "دیدگاه")
    page = client.get(QUEUE).content.decode()
    assert "/decide/" not in page and "desk-badge" not in page
    response = client.post(f"{QUEUE}{comment.pk}/decide/", {"status": "approved"})
    assert response.status_code == 403
    assert "دسترسی ندارید" in response.content.decode()
    assert client.post(QUEUE + "undo/").status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_no_link_leads_an_editor_to_a_forbidden_page(desk, article, editor):
    comment = make(article, "پرسش")
    comment.approve(by=editor)
    comment.save_reply("پاسخ", editor, expected="")
    for url in (QUEUE, QUEUE + "?status=all", f"{QUEUE}{comment.pk}/change/", "/admin/"):
        page = desk.get(url).content.decode()
        links = set(re.findall(r'href="(/admin/[^"#]*)', page))
        for link in links:
            if link.endswith("logout/"):
                continue
            status = desk.get(link.replace("&amp;", "&")).status_code
            assert status in (200, 302), f"{url} links to {link} ({status})"


def test_pending_badge_on_every_admin_page(desk, article):
    make(article, "یک", sender="a")
    make(article, "دو", sender="b")
    for url in (
        "/admin/",
        QUEUE,
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
    ):
        page = desk.get(url).content.decode()
        assert re.search(
            r'class="desk-badge"><span class="visually-hidden">[^<]+</span>'
            r'<span class="desk-badge-count">۲</span>',
            page,
        ), url


def test_history_and_recent_actions_show_jalali_times(desk, article):
    comment = make(article, "یک دیدگاه")
    decide(desk, comment, "approved", **JSON)
    jalali = re.compile(r"[۰-۹]+ [آ-ی]+ ۱۴[۰-۹]{2}، ساعت [۰-۹]{2}:[۰-۹]{2}")
    history = desk.get(f"{QUEUE}{comment.pk}/history/").content.decode()
    assert jalali.search(history) and "۱ مورد" in history
    index = desk.get("/admin/").content.decode()
    recent = index.split('id="recent-actions-module"', 1)[1]
    assert jalali.search(recent) and "فعالیت‌های من" in recent


def test_lockout_page_says_minutes_in_persian(client, editor):
    for _ in range(5):
        client.post("/admin/login/", {"username": "dabir", "password": "wrong"})
    locked = client.post("/admin/login/", {"username": "dabir", "password": "wrong"})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "۱۵ دقیقه" in page and "PT15M" not in page


def test_change_form_decision_overtaken_by_another_editor_is_told(desk, article, django_user_model):
    other = django_user_model.objects.create_user("other", is_staff=True)
    comment = make(article, "دیدگاه مورد اختلاف")
    form = desk.get(f"{QUEUE}{comment.pk}/change/").content.decode()  # opened while pending
    assert 'name="status_seen" value="pending"' in form
    comment.mark_spam(by=other)
    response = desk.post(
        f"{QUEUE}{comment.pk}/change/",
        # What the form opened while pending sends (its hidden status_seen).
        {
            "status": "approved",
            "status_seen": "pending",
            "reply": "",
            "reply_seen": "",
            "_approve": "1",
        },
        follow=True,
    )
    assert "تصمیم شما ثبت نشد" in response.content.decode()
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (Comment.Status.SPAM, other)
    assert not LogEntry.objects.exists()
