"""The typesetting assistant in the article admin: proposals shown, applied only as chosen."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from articles.models import Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def sloppy(article):
    article.lead = "مهمترین ماموریت روابط عمومیها امیدآفرینی است"
    article.save()
    section = Section.objects.get(article=article, position=1)
    section.text = "این کار انجام می شود."
    section.save()
    return article


def review_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/typeset/"


def test_the_change_form_says_how_many_proposals_wait(sloppy, admin_client):
    page = admin_client.get(f"/admin/articles/article/{sloppy.pk}/change/").content.decode()
    assert re.search(r"بررسی حروف‌چینی \([۰-۹]+ پیشنهاد\)", page)


def test_the_editor_applies_some_proposals_and_nothing_else_changes(sloppy, admin_client):
    page = admin_client.get(review_url(sloppy)).content.decode()
    ids = re.findall(r'name="change" value="([^"]+)"', page)
    assert any(i.startswith("lead:") for i in ids) and any(i.startswith("section-") for i in ids)
    assert "<del" in page and "<ins" in page
    digests = dict(re.findall(r'name="(digest-[^"]+)" value="([^"]+)"', page))
    section_only = [i for i in ids if i.startswith("section-")]
    response = admin_client.post(review_url(sloppy), {"change": section_only, **digests})
    assert response.status_code == 302
    sloppy.refresh_from_db()
    assert sloppy.lead == "مهمترین ماموریت روابط عمومیها امیدآفرینی است"  # not chosen: kept
    assert Section.objects.get(article=sloppy, position=1).text == "این کار انجام می‌شود."
    assert "می‌شود" in Client().get(sloppy.get_absolute_url()).content.decode()
    assert LogEntry.objects.filter(object_id=str(sloppy.pk), change_message__contains="حروف‌چینی")


def test_choosing_nothing_changes_nothing(sloppy, admin_client):
    page = admin_client.get(review_url(sloppy)).content.decode()
    digests = dict(re.findall(r'name="(digest-[^"]+)" value="([^"]+)"', page))
    admin_client.post(review_url(sloppy), digests)
    sloppy.refresh_from_db()
    assert sloppy.lead.startswith("مهمترین")


def test_proposals_for_a_text_changed_meanwhile_are_not_applied(sloppy, admin_client):
    page = admin_client.get(review_url(sloppy)).content.decode()
    ids = re.findall(r'name="change" value="([^"]+)"', page)
    digests = dict(re.findall(r'name="(digest-[^"]+)" value="([^"]+)"', page))
    sloppy.lead = "مهمترین لید را همکار دیگری عوض کرد"
    sloppy.save()
    response = admin_client.post(review_url(sloppy), {"change": ids, **digests}, follow=True)
    assert "پس از باز شدن این صفحه تغییر کرده بود" in response.content.decode()
    sloppy.refresh_from_db()
    assert sloppy.lead == "مهمترین لید را همکار دیگری عوض کرد"


def test_desk_editors_who_may_not_change_articles_are_refused(sloppy, editor):
    desk = Client()
    desk.force_login(editor)
    assert desk.get(review_url(sloppy)).status_code == 403
    assert desk.post(review_url(sloppy), {"change": ["lead:0"]}).status_code == 403
    sloppy.refresh_from_db()
    assert sloppy.lead.startswith("مهمترین")
