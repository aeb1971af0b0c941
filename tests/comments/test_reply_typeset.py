"""The typesetting assistant on the editors' reply: proposed, applied only as ticked."""

import re

import pytest

from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(article, editor):
    comment = Comment.objects.create(article=article, name="خواننده", text="پرسشی دربارهٔ خبر")
    comment.save_reply("این موضوع پیگیری می شود و نتیجه اطلاعرسانی خواهد شد", editor, expected="")
    return comment


def form_data(comment: Comment, **extra) -> dict:
    return {
        "status": comment.status,
        "status_seen": comment.status,
        "reply": comment.reply,
        "reply_seen": comment.reply,
        **extra,
    }


def url(comment: Comment) -> str:
    return f"/admin/comments/comment/{comment.pk}/change/"


def test_the_reply_form_lists_the_proposals(replied, admin_client):
    page = admin_client.get(url(replied)).content.decode()
    assert "پیشنهادهای حروف‌چینی برای پاسخ" in page
    assert len(re.findall(r'name="reply_typeset"', page)) >= 2


def test_ticked_proposals_are_applied_and_the_rest_left(replied, admin_client):
    page = admin_client.get(url(replied)).content.decode()
    values = re.findall(r'name="reply_typeset" value="(\d+)"', page)
    labels = re.findall(r'name="reply_typeset" value="\d+"[^>]*>\s*([^<]+)', page)
    first = next(v for v, label in zip(values, labels, strict=True) if "می" in label)
    response = admin_client.post(url(replied), form_data(replied, reply_typeset=[first]))
    assert response.status_code == 302
    replied.refresh_from_db()
    assert "می‌شود" in replied.reply  # ticked: applied
    assert "اطلاعرسانی" in replied.reply  # not ticked: left as written


def test_nothing_ticked_changes_nothing(replied, admin_client):
    before = replied.reply
    admin_client.post(url(replied), form_data(replied))
    replied.refresh_from_db()
    assert replied.reply == before


def test_proposals_are_not_applied_over_an_edited_reply(replied, admin_client):
    data = form_data(replied, reply="پاسخ تازه‌ای که دبیر نوشت", reply_typeset=["0"])
    response = admin_client.post(url(replied), data, follow=True)
    replied.refresh_from_db()
    assert replied.reply == "پاسخ تازه‌ای که دبیر نوشت"
    assert "اعمال نشد" in response.content.decode()


def test_a_clean_reply_shows_no_proposal_row(article, editor, admin_client):
    comment = Comment.objects.create(article=article, name="خواننده", text="پرسش")
    comment.save_reply("سپاس از همراهی شما.", editor, expected="")
    assert "پیشنهادهای حروف‌چینی" not in admin_client.get(url(comment)).content.decode()
