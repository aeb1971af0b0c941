"""The editors' moderation desk in the Django admin, used by an Editors-group member."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from comments.models import EDITORS_GROUP, Comment

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/comment/"


def make(article, text, status=Comment.Status.PENDING, name="خواننده", sender="s1"):
    return Comment.objects.create(
        article=article, name=name, text=text, status=status, sender_hash=sender
    )


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def rows(document: str) -> list[str]:
    return re.findall(r'<tr>.*?</tr>|<tr class=".*?</tr>', document.split("<tbody>", 1)[-1], re.S)


def test_queue_opens_on_pending(desk, article):
    make(article, "در انتظار بررسی است")
    make(article, "قبلاً تأیید شده", Comment.Status.APPROVED)
    make(article, "هرزنامهٔ قدیمی", Comment.Status.SPAM)
    document = desk.get(QUEUE).content.decode()
    assert "در انتظار بررسی است" in document
    assert "قبلاً تأیید شده" not in document and "هرزنامهٔ قدیمی" not in document
    everything = desk.get(QUEUE + "?status=all").content.decode()
    assert all(t in everything for t in ["در انتظار بررسی است", "قبلاً تأیید شده", "هرزنامهٔ قدیمی"])
    spam = desk.get(QUEUE + "?status=spam").content.decode()
    assert "هرزنامهٔ قدیمی" in spam and "در انتظار بررسی است" not in spam


def test_queue_row_shows_whole_text_article_status_and_jalali_time(desk, article):
    make(article, "متن بلند " * 30)
    row = rows(desk.get(QUEUE).content.decode())[0]
    assert ("متن بلند " * 30).strip() in row  # the whole text, not an 80-character excerpt
    assert "مهم‌ترین مأموریت روابط" in row
    assert "در انتظار بررسی" in row
    assert re.search(r"[۰-۹]+ [آ-ی]+ ۱۴[۰-۹]{2}، ساعت", row)


def test_queue_search_by_name_text_and_email(desk, article):
    make(article, "دربارهٔ مرز مهران", name="رضا")
    other = make(article, "دربارهٔ نفت و گاز", name="زهرا", sender="s2")
    other.email = "zahra@example.com"
    other.save()
    assert "مرز مهران" in desk.get(QUEUE + "?q=رضا").content.decode()
    assert "مرز مهران" not in desk.get(QUEUE + "?q=zahra@example").content.decode()
    assert "نفت و گاز" in desk.get(QUEUE + "?q=zahra@example").content.decode()


def test_hints_for_links_non_persian_and_repeats(desk, article):
    make(article, "ببینید http://example.com را", sender="a")
    make(article, "This is not Persian at all", sender="b")
    make(article, "متن تکراری یکسان", sender="c")
    make(article, "متن   تکراری یکسان", sender="d")
    make(article, "دیدگاهی معمولی و فارسی", sender="e")
    document = desk.get(QUEUE).content.decode()
    by_text = {
        text: row
        for row in rows(document)
        for text in ["ببینید", "This is not Persian", "متن تکراری یکسان", "دیدگاهی معمولی"]
        if text in row
    }
    assert "پیوند دارد" in by_text["ببینید"]
    assert "حرف فارسی ندارد" in by_text["This is not Persian"]
    assert "تکراری" in by_text["متن تکراری یکسان"]
    assert "comment-hint" not in by_text["دیدگاهی معمولی"]


def test_bulk_actions_report_how_many_changed(desk, article, editor):
    a, b = make(article, "اول"), make(article, "دوم", sender="s2")
    c = make(article, "سوم", Comment.Status.APPROVED, sender="s3")
    response = desk.post(
        QUEUE + "?status=all",
        {"action": "approve", "_selected_action": [a.pk, b.pk, c.pk]},
        follow=True,
    )
    assert "۲ دیدگاه تأیید و منتشر شدند." in response.content.decode()
    everything = QUEUE + "?status=all"
    response = desk.post(everything, {"action": "reject", "_selected_action": [a.pk]}, follow=True)
    assert "۱ دیدگاه رد شد." in response.content.decode()
    response = desk.post(
        everything, {"action": "mark_spam", "_selected_action": [b.pk]}, follow=True
    )
    assert "۱ دیدگاه هرزنامه شناخته شد." in response.content.decode()
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.moderated_by) == (Comment.Status.REJECTED, editor)
    assert (b.status, b.moderated_by) == (Comment.Status.SPAM, editor)


def test_second_moderator_of_the_same_change_is_not_recorded(article, editor, django_user_model):
    other = django_user_model.objects.create_user("other", is_staff=True)
    comment = make(article, "یک دیدگاه")
    assert comment.approve(by=editor) is True
    assert comment.approve(by=other) is False
    comment.refresh_from_db()
    assert comment.moderated_by == editor


def test_reply_and_approve_in_one_step(desk, article, editor):
    comment = make(article, "پرسشی از خواننده")
    page = desk.get(f"{QUEUE}{comment.pk}/change/").content.decode()
    assert 'name="_approve"' in page
    response = desk.post(
        f"{QUEUE}{comment.pk}/change/",
        {"status": "pending", "reply": "پاسخ دبیر به پرسش", "reply_seen": "", "_approve": "1"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.reply == "پاسخ دبیر به پرسش"
    assert comment.reply_by == editor and comment.moderated_by == editor
    assert comment.replied_at is not None


def test_concurrent_reply_is_not_silently_overwritten(desk, article, editor, django_user_model):
    comment = make(article, "پرسش")
    form = desk.get(f"{QUEUE}{comment.pk}/change/")
    assert form.status_code == 200
    other = django_user_model.objects.create_user("other")
    assert comment.save_reply("پاسخ دبیر دیگر", other, expected="")
    response = desk.post(
        f"{QUEUE}{comment.pk}/change/",
        {"status": "pending", "reply": "پاسخ من", "reply_seen": ""},
        follow=True,
    )
    assert "دبیر دیگری همزمان پاسخ این دیدگاه را تغییر داده است" in response.content.decode()
    assert "پاسخ من" in response.content.decode()
    comment.refresh_from_db()
    assert comment.reply == "پاسخ دبیر دیگر" and comment.reply_by == other


def test_admin_index_shows_waiting_count(desk, article):
    make(article, "یک")
    make(article, "دو", sender="s2")
    make(article, "سه", Comment.Status.APPROVED, sender="s3")
    document = desk.get("/admin/").content.decode()
    assert "<strong>۲</strong> دیدگاه در انتظار بررسی" in document


def test_editors_group_has_exactly_moderation_permissions(desk, article):
    group = Group.objects.get(name=EDITORS_GROUP)
    assert sorted(p.codename for p in group.permissions.all()) == sorted(
        [
            "view_article",
            "view_section",
            "view_category",
            "view_tag",
            "view_comment",
            "change_comment",
            "can_moderate",
        ]
    )
    assert desk.get("/admin/articles/article/").status_code == 200
    assert desk.get(f"/admin/articles/article/{article.pk}/delete/").status_code == 403
    assert (
        desk.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert desk.get("/admin/articles/article/add/").status_code == 403
    assert desk.get("/admin/auth/user/").status_code == 403
    assert desk.get("/admin/auth/group/").status_code == 403
    comment = make(article, "نباید حذف شود")
    assert desk.get(f"{QUEUE}{comment.pk}/delete/").status_code == 403


def test_staff_without_moderation_permission_sees_no_actions(client, article, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    make(article, "دیدگاه")
    document = client.get(QUEUE).content.decode()
    assert 'value="approve"' not in document
    assert "در انتظار بررسی" not in client.get("/admin/").content.decode()


def test_admin_speaks_persian_right_to_left(desk):
    document = desk.get("/admin/").content.decode()
    assert '<html lang="fa" dir="rtl">' in document
    assert "میز تحریریه" in document


def test_create_editor_command(monkeypatch, db, django_user_model):
    monkeypatch.setenv("EDITOR_PASSWORD", "a-Strong-passw0rd-for-desk")
    out = StringIO()
    call_command("create_editor", "sara", stdout=out)
    user = django_user_model.objects.get(username="sara")
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name=EDITORS_GROUP).exists()
    assert user.check_password("a-Strong-passw0rd-for-desk")
    monkeypatch.setenv("EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("create_editor", "weak", stdout=out)
    assert not django_user_model.objects.filter(username="weak").exists()


def test_demo_editor_only_on_a_local_setup(settings, db, django_user_model):
    out = StringIO()
    call_command("demo_editor", stdout=out)
    password = re.search(r"with password '([^']+)'", out.getvalue()).group(1)
    assert django_user_model.objects.get(username="editor").check_password(password)
    # With the production switches `make run` goes on serving: one line, and no editor.
    django_user_model.objects.filter(username="editor").delete()
    settings.HTTPS = True
    out = StringIO()
    call_command("demo_editor", stdout=out)
    assert out.getvalue().strip().splitlines() == [
        "Demo editor skipped: DJANGO_HTTPS=on is not a developer's machine."
    ]
    assert not django_user_model.objects.filter(username="editor").exists()
