"""Reporters write drafts, the chief editor publishes, editors moderate: each the least it needs."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from articles.models import CHIEF_EDITORS_GROUP, REPORTERS_GROUP, Article
from comments.models import EDITORS_GROUP
from tests.articles.test_writing_desk import change_form_data

pytestmark = pytest.mark.django_db
ADD = "/admin/articles/article/add/"


def staff(django_user_model, name: str, group: str) -> Client:
    user = django_user_model.objects.create_user(name, password="x-Long-pass-1", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    desk = Client()
    desk.force_login(user)
    desk.user = user
    return desk


@pytest.fixture
def reporter(django_user_model) -> Client:
    return staff(django_user_model, "khabarnegar", REPORTERS_GROUP)


@pytest.fixture
def chief(django_user_model) -> Client:
    return staff(django_user_model, "sardabir", CHIEF_EDITORS_GROUP)


def new_article_data(article: Article, **overrides) -> dict:
    data = change_form_data(article, **overrides)
    data.update(
        {
            "headline": overrides.get("headline", "خبر تازهٔ خبرنگار"),
            "slug": "",
            "news_code": "",
            "sections-TOTAL_FORMS": 0,
            "sections-INITIAL_FORMS": 0,
        }
    )
    data.pop("status", None)
    data.update({k: v for k, v in overrides.items() if k == "status"})
    return {k: v for k, v in data.items() if not k.startswith("sections-0")}


def test_a_reporter_writes_a_draft_of_their_own(article, reporter):
    response = reporter.post(ADD, new_article_data(article))
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = Article.objects.get(headline="خبر تازهٔ خبرنگار")
    assert draft.status == Article.Status.DRAFT
    assert draft.author == reporter.user
    listing = reporter.get("/admin/articles/article/").content.decode()
    assert "خبر تازهٔ خبرنگار" in listing
    assert article.headline not in listing  # someone else's article: not theirs to see


@pytest.mark.parametrize("status", [Article.Status.PUBLISHED, "bogus"])
def test_a_reporter_who_tries_to_publish_is_refused_and_nothing_is_saved(article, reporter, status):
    response = reporter.post(ADD, new_article_data(article, status=status))
    assert response.status_code == 403
    assert not Article.objects.filter(headline="خبر تازهٔ خبرنگار").exists()
    reporter.post(ADD, new_article_data(article))
    draft = Article.objects.get(headline="خبر تازهٔ خبرنگار")
    url = f"/admin/articles/article/{draft.pk}/change/"
    crafted = change_form_data(draft, status=status, headline="تیتر منتشرشده با ترفند")
    assert reporter.post(url, crafted).status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.headline) == (Article.Status.DRAFT, "خبر تازهٔ خبرنگار")


def test_a_reporter_cannot_edit_others_or_published_articles(article, reporter):
    url = f"/admin/articles/article/{article.pk}/change/"
    assert reporter.post(url, change_form_data(article, headline="دست‌کاری")).status_code in (
        302,
        403,
        404,
    )
    article.refresh_from_db()
    assert article.headline != "دست‌کاری"
    article.author = reporter.user
    article.save()  # theirs, but already published: the chief's now
    assert reporter.post(url, change_form_data(article, headline="دست‌کاری")).status_code == 403
    article.refresh_from_db()
    assert article.headline != "دست‌کاری"


def test_the_chief_editor_publishes_and_manages_tags(article, reporter, chief):
    reporter.post(ADD, new_article_data(article))
    draft = Article.objects.get(headline="خبر تازهٔ خبرنگار")
    url = f"/admin/articles/article/{draft.pk}/change/"
    response = chief.post(url, change_form_data(draft, status=Article.Status.PUBLISHED))
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.author == reporter.user  # still the reporter's byline
    assert chief.get("/admin/articles/tag/add/").status_code == 200
    assert chief.get("/admin/comments/comment/").status_code == 200


def test_editors_still_only_moderate(article, django_user_model):
    desk = staff(django_user_model, "dabir2", EDITORS_GROUP)
    assert desk.get(ADD).status_code == 403
    assert desk.get("/admin/articles/tag/add/").status_code == 403


@pytest.mark.parametrize(
    ("role", "group"),
    [("reporter", REPORTERS_GROUP), ("chief", CHIEF_EDITORS_GROUP), ("editor", EDITORS_GROUP)],
)
def test_create_editor_takes_a_role(django_user_model, monkeypatch, role, group):
    monkeypatch.setenv("EDITOR_PASSWORD", "Role-pass-2026!x")
    call_command("create_editor", f"user-{role}", "--role", role, stdout=open("/dev/null", "w"))  # noqa: SIM115
    user = django_user_model.objects.get(username=f"user-{role}")
    assert user.is_staff and list(user.groups.values_list("name", flat=True)) == [group]
