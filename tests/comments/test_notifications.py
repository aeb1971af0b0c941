"""«وقتی پاسخ داده شد خبرم کن»: what lands in a commenter's inbox, and when.

Reader posts go through the test client, editors decide with the model methods the desk
calls, and mail leaves only when `send_comment_mail` runs.
"""

import re
import smtplib
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from comments.mail import Run, take
from comments.models import Comment, OutgoingMail, Subscriber
from tests.conftest import comment_data

pytestmark = pytest.mark.django_db

ADDRESS = "maryam@example.com"
SITE = "https://news.example.ir"
LINK = re.compile(r"https://news\.example\.ir(/comments/mail/[a-z]+/[^/\s\"]+/)")


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything, quoting the recipient as real ones do."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({ADDRESS: (550, b"mailbox unavailable")})


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.COMMENT_RATE = "1000/m"
    settings.COMMENT_MAIL_CONFIRMATIONS = 2
    settings.COMMENT_MAIL_CONFIRMATION_DAYS = 7
    settings.COMMENT_MAIL_WAIT_DAYS = 7
    settings.COMMENT_MAIL_MAX_ATTEMPTS = 3


def post(client, article, **overrides) -> Comment:
    response = client.post(
        f"/news/{article.news_code}/comments/",
        comment_data(article, **overrides),
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302
    return Comment.objects.latest("pk")


def send() -> str:
    out = StringIO()
    call_command("send_comment_mail", stdout=out, site_url=SITE)
    return out.getvalue()


def link(message, kind: str) -> str:
    """The path of the `kind` link (confirm, unsubscribe) in the text part."""
    paths = [p for p in LINK.findall(message.body) if p.startswith(f"/comments/mail/{kind}/")]
    assert paths, message.body
    return paths[0]


def html(message) -> str:
    body, kind = message.alternatives[0]
    assert kind == "text/html"
    return body


def confirm(client, message):
    path = link(message, "confirm")
    page = client.get(path)
    assert page.status_code == 200 and "بله، خبرم کن" in page.content.decode()
    assert "no-store" in page["Cache-Control"] and page["X-Robots-Tag"] == "noindex"
    done = client.post(path, HTTP_ORIGIN="http://testserver")
    assert done.status_code == 200 and "نشانی شما تأیید شد" in done.content.decode()


def confirmed_comment(client, article, mailoutbox, **overrides) -> Comment:
    comment = post(client, article, email=ADDRESS, notify="on", **overrides)
    send()
    confirm(client, mailoutbox[-1])
    mailoutbox.clear()
    return comment


def test_confirmation_then_published_mail(client, article, editor, mailoutbox):
    comment = post(client, article, email=ADDRESS, notify="on")
    assert mailoutbox == []  # posting sends nothing by itself

    assert "Sent 1" in send()
    [message] = mailoutbox
    assert message.to == [ADDRESS]
    assert message.subject == "نشانی خود را برای خبر از پاسخ‌ها تأیید کنید — تحریریه"
    assert "مهم‌ترین مأموریت روابط" in message.body  # the article's headline
    assert '<html lang="fa" dir="rtl">' in html(message) and "تأیید نشانی" in html(message)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"] == f"<{SITE}{link(message, 'unsubscribe')}>"

    # Approved before the address is confirmed: the published mail waits.
    comment.approve(by=editor)
    send()
    assert len(mailoutbox) == 1

    confirm(client, message)
    assert Subscriber.objects.get(email=ADDRESS).confirmed_at is not None
    mailoutbox.clear()
    send()
    [published] = mailoutbox
    assert published.to == [ADDRESS]
    assert published.subject.startswith("دیدگاه شما دربارهٔ «")
    assert published.subject.endswith("» منتشر شد")
    assert comment.text in published.body
    assert f"{SITE}{comment.get_absolute_url()}" in published.body
    assert f"#comment-{comment.pk}" in published.body
    # The Jalali time it was written, in Persian digits.
    assert re.search(r"[۰-۹]+ [آ-ی]+ ۱۴[۰-۹]{2}، ساعت [۰-۹]{2}:[۰-۹]{2}", published.body)
    assert '<html lang="fa" dir="rtl">' in html(published) and comment.text in html(published)
    assert "List-Unsubscribe" in published.extra_headers

    # Nothing is sent twice.
    mailoutbox.clear()
    send()
    assert mailoutbox == []


def test_reader_reply_and_editors_reply(client, article, editor, mailoutbox):
    comment = confirmed_comment(client, article, mailoutbox)
    comment.approve(by=editor)
    send()
    assert [m.subject.endswith("» منتشر شد") for m in mailoutbox] == [True]
    mailoutbox.clear()

    reply = post(
        client,
        article,
        parent=str(comment.pk),
        name="رضا",
        email="reza@example.com",
        text="با شما موافقم؛ مرزها باید باز شوند.",
    )
    assert reply.parent == comment
    send()
    assert mailoutbox == []  # a pending reply is not news
    reply.approve(by=editor)
    send()
    [message] = mailoutbox
    assert message.to == [ADDRESS]  # not the replier, who did not ask
    assert message.subject.startswith("پاسخ تازه به دیدگاه شما")
    assert "با شما موافقم" in message.body and "رضا" in message.body
    assert f"{SITE}{reply.get_absolute_url()}" in message.body
    assert "reza@example.com" not in message.body + html(message)
    mailoutbox.clear()

    assert comment.save_reply("از توجه شما سپاسگزاریم.", editor, expected="")
    assert mailoutbox == []
    send()
    [message] = mailoutbox
    assert "از توجه شما سپاسگزاریم." in message.body
    assert "تحریریه به دیدگاه شما پاسخ داد" in html(message)


def test_no_mail_without_the_box(client, article, editor, mailoutbox):
    comment = post(client, article, email=ADDRESS)
    comment.approve(by=editor)
    Comment.objects.get(pk=comment.pk).save_reply("پاسخ تحریریه", editor, expected="")
    post(
        client,
        article,
        parent=str(comment.pk),
        name="رضا",
        email="reza@example.com",
        text="پاسخ خواننده",
    ).approve(by=editor)
    send()
    assert mailoutbox == []
    assert not OutgoingMail.objects.exists() and not Subscriber.objects.exists()


def test_nothing_but_the_confirmation_before_confirming(client, article, editor, mailoutbox):
    comment = post(client, article, email=ADDRESS, notify="on")
    comment.approve(by=editor)
    comment.save_reply("پاسخ تحریریه", editor, expected="")
    send()
    assert [m.subject.startswith("نشانی خود را") for m in mailoutbox] == [True]
    send()
    assert len(mailoutbox) == 1
    # Never confirmed: after COMMENT_MAIL_WAIT_DAYS the waiting mail is dropped.
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert "dropped 2" in send()
    assert len(mailoutbox) == 1


def test_unsubscribe_link_stops_mail(client, article, editor, mailoutbox):
    comment = confirmed_comment(client, article, mailoutbox)
    comment.approve(by=editor)
    send()
    [published] = mailoutbox
    mailoutbox.clear()

    page = client.get(link(published, "unsubscribe"))
    assert page.status_code == 200
    assert "اشتراک شما لغو شد" in page.content.decode()
    assert "no-store" in page["Cache-Control"] and page["X-Robots-Tag"] == "noindex"
    assert "دوباره مشترک شوم" in page.content.decode()

    comment.save_reply("پاسخ تحریریه", editor, expected="")
    send()
    assert mailoutbox == []

    # «دوباره مشترک شوم» posts back and mail resumes.
    again = client.post(
        f"/comments/mail/subscribe/{link(published, 'unsubscribe').split('/')[-2]}/",
        HTTP_ORIGIN="http://testserver",
    )
    assert again.status_code == 200 and "دوباره مشترک شدید" in again.content.decode()
    reply = post(
        client,
        article,
        parent=str(comment.pk),
        name="رضا",
        email="reza@example.com",
        text="پاسخ خواننده",
    )
    reply.approve(by=editor)
    send()
    assert [m.to for m in mailoutbox] == [[ADDRESS]]


def test_one_click_post_unsubscribes(client, article, editor, mailoutbox):
    comment = confirmed_comment(client, article, mailoutbox)
    comment.approve(by=editor)
    send()
    [published] = mailoutbox
    mailoutbox.clear()
    url = published.extra_headers["List-Unsubscribe"].strip("<>").removeprefix(SITE)
    # What a mail program sends (RFC 8058): a POST from its server, no Origin, no cookie.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscriber.objects.get(email=ADDRESS).unsubscribed_at is not None
    comment.save_reply("پاسخ تحریریه", editor, expected="")
    send()
    assert mailoutbox == []

    # A later comment with the box ticked asks again, through a new confirmation.
    post(client, article, email=ADDRESS, notify="on", text="دیدگاه تازه پس از لغو اشتراک")
    send()
    [message] = mailoutbox
    assert "/comments/mail/confirm/" in message.body


@pytest.mark.parametrize("kind", ["confirm", "unsubscribe", "subscribe"])
def test_tampered_links_are_a_persian_400(client, article, mailoutbox, kind):
    post(client, article, email=ADDRESS, notify="on")
    send()
    good = link(mailoutbox[0], "confirm" if kind == "confirm" else "unsubscribe")
    token = good.split("/")[-2]
    for bad in (token[:-2] + "xx", "garbage", token.replace(":", "")):
        url = f"/comments/mail/{kind}/{bad}/"
        for response in (client.get(url), client.post(url, HTTP_ORIGIN="http://testserver")):
            if kind == "subscribe" and response.request["REQUEST_METHOD"] == "GET":
                assert response.status_code == 405
                continue
            assert response.status_code == 400
            assert "این پیوند معتبر نیست" in response.content.decode()
            assert response["X-Robots-Tag"] == "noindex"
    # A confirm token does not unsubscribe, and the reverse.
    other = "unsubscribe" if kind == "confirm" else "confirm"
    assert client.get(f"/comments/mail/{other}/{token}/").status_code == 400
    assert Subscriber.objects.get().confirmed_at is None
    assert Subscriber.objects.get().unsubscribed_at is None


def test_expired_confirmation_link(client, article, mailoutbox, settings):
    post(client, article, email=ADDRESS, notify="on")
    send()
    path = link(mailoutbox[0], "confirm")
    settings.COMMENT_MAIL_WAIT_DAYS = 0
    response = client.post(path, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 400 and "مهلت این پیوند" in response.content.decode()
    assert Subscriber.objects.get().confirmed_at is None


def test_confirmations_to_one_address_are_limited(client, article, mailoutbox):
    for n in range(4):
        post(client, article, email=ADDRESS, notify="on", text=f"دیدگاه شمارهٔ {n} درباره این خبر")
        send()
    assert len(mailoutbox) == 2  # COMMENT_MAIL_CONFIRMATIONS per 7 days
    assert OutgoingMail.objects.filter(last_error="confirmation limit").count() == 2
    # Another address is not affected.
    post(client, article, email="other@example.com", notify="on", text="دیدگاه نشانی دیگر")
    send()
    assert mailoutbox[-1].to == ["other@example.com"]
    # A week later, one more may go.
    Subscriber.objects.filter(email=ADDRESS).update(
        confirmations_since=timezone.now() - timedelta(days=8)
    )
    post(client, article, email=ADDRESS, notify="on", text="دیدگاه یک هفته بعد درباره این خبر")
    send()
    assert mailoutbox[-1].to == [ADDRESS] and len(mailoutbox) == 4


def test_rolled_back_approval_writes_no_mail(client, article, editor, mailoutbox):
    comment = confirmed_comment(client, article, mailoutbox)
    with pytest.raises(RuntimeError), transaction.atomic():
        comment.approve(by=editor)
        assert OutgoingMail.objects.filter(kind="published").exists()
        raise RuntimeError("the desk's request failed after the decision")
    assert not OutgoingMail.objects.filter(kind="published").exists()
    send()
    assert mailoutbox == []


def test_failing_mail_server_keeps_the_row(client, article, editor, mailoutbox, settings, caplog):
    post(client, article, email=ADDRESS, notify="on")
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    assert "failed 1" in send()
    row = OutgoingMail.objects.get()
    assert (row.status, row.attempts, row.sent_at) == ("waiting", 1, None)
    assert row.last_error.startswith("SMTPRecipientsRefused")
    assert ADDRESS not in row.last_error and ADDRESS not in caplog.text
    # Not retried before its delay; then retried up to COMMENT_MAIL_MAX_ATTEMPTS.
    assert "failed 0" in send()
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    send()
    assert OutgoingMail.objects.get().attempts == 2

    # The server is back: the next run sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    send()
    assert [m.to for m in mailoutbox] == [[ADDRESS]]
    row = OutgoingMail.objects.get()
    assert row.status == "sent" and row.attempts == 3 and row.last_error == ""


def test_failing_mail_gives_up_after_the_cap(client, article, mailoutbox, settings):
    post(client, article, email=ADDRESS, notify="on")
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    for _ in range(5):
        OutgoingMail.objects.update(next_attempt_at=timezone.now())
        send()
    row = OutgoingMail.objects.get()
    assert (row.status, row.attempts) == ("failed", 3)


def test_a_taken_row_is_not_sent_by_a_second_run(client, article, mailoutbox):
    """A run leases what it takes: a second run meanwhile finds nothing to send."""
    post(client, article, email=ADDRESS, notify="on")
    assert len(take(timezone.now(), 100, Run())) == 1
    send()
    assert mailoutbox == []


def test_bot_posts_get_no_mail(client, article, mailoutbox):
    post(client, article, email=ADDRESS, notify="on", honeypot="http://spam.example")
    send()
    assert mailoutbox == [] and not OutgoingMail.objects.exists()


def test_purge_removes_sent_mail_keeps_the_choice(client, article, editor, mailoutbox):
    comment = confirmed_comment(client, article, mailoutbox)
    comment.approve(by=editor)
    send()
    post(client, article, email="stranger@example.com", notify="on", text="دیدگاهی دیگر")
    send()
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(days=40))
    Subscriber.objects.update(created_at=timezone.now() - timedelta(days=40))
    out = StringIO()
    call_command("purge_personal_data", "--days", "30", stdout=out)
    assert "removed 3 sent mail(s) and 1 unconfirmed address(es)" in out.getvalue()
    assert not OutgoingMail.objects.exists()
    assert list(Subscriber.objects.values_list("email", flat=True)) == [ADDRESS]


def test_outbox_is_read_only_in_the_admin(client, article, editor, mailoutbox, admin_user):
    post(client, article, email=ADDRESS, notify="on")
    send()
    client.force_login(admin_user)
    for url in ("/admin/comments/outgoingmail/", "/admin/comments/subscriber/"):
        page = client.get(url)
        assert page.status_code == 200
        assert f"{url}add/" not in page.content.decode()
    assert ADDRESS in client.get("/admin/comments/subscriber/").content.decode()
    client.force_login(editor)  # the desk does not see readers' addresses
    assert client.get("/admin/comments/subscriber/").status_code == 403


def test_no_mail_about_answering_oneself(client, article, editor, mailoutbox):
    comment = confirmed_comment(client, article, mailoutbox)
    comment.approve(by=editor)
    send()
    mailoutbox.clear()
    post(client, article, parent=str(comment.pk), text="یک نکته را هم اضافه کنم.").approve(
        by=editor
    )
    send()
    assert mailoutbox == []


def test_editors_reply_before_approval_waits_for_it(client, article, editor, mailoutbox):
    comment = confirmed_comment(client, article, mailoutbox)
    comment.save_reply("پاسخ تحریریه پیش از انتشار", editor, expected="")
    assert "still waiting 1" in send()
    assert mailoutbox == []
    comment.approve(by=editor)
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    send()
    assert {m.subject.split()[0] for m in mailoutbox} == {"پاسخ", "دیدگاه"}
    assert "پاسخ تحریریه پیش از انتشار" in mailoutbox[0].body + mailoutbox[1].body


def test_a_rejected_comment_is_not_announced(client, article, editor, mailoutbox):
    comment = confirmed_comment(client, article, mailoutbox)
    comment.approve(by=editor)
    comment.reject(by=editor)  # changed their mind before the timer ran
    assert "dropped 1" in send()
    assert mailoutbox == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_do_not_take_the_same_row(client, article, mailoutbox):
    """While one run holds a row (its taking transaction is open), another skips it."""
    post(client, article, email=ADDRESS, notify="on")
    held, release = threading.Event(), threading.Event()

    def first_run():
        try:
            with transaction.atomic():
                list(OutgoingMail.objects.select_for_update())
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert held.wait(10)
        assert take(timezone.now(), 100, Run()) == []
    finally:
        release.set()
        thread.join()
    assert len(take(timezone.now(), 100, Run())) == 1
