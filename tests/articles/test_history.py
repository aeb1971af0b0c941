"""An article's history: every admin save kept, two versions compared, an old one restored."""

import re

import pytest
from django.core.management import call_command
from reversion.models import Version

from articles.models import Article, Section
from newsroom.persian import search_text
from tests.articles.test_roles import reporter  # noqa: F401 (fixture)
from tests.articles.test_writing_desk import change_form_data

pytestmark = pytest.mark.django_db
NEW_HEADLINE = "تیتر تازهٔ خبر استاندار پس از ویرایش"
NEW_TEXT = "متن بازنویسی‌شدهٔ بند نخست که باید در مقایسه دیده شود."


def change_url(article: Article, rest: str = "change/") -> str:
    return f"/admin/articles/article/{article.pk}/{rest}"


@pytest.fixture
def edited(article, admin_client) -> tuple[Article, dict, Version, Version]:
    """The article saved twice through the admin: as loaded, then with a new headline and a
    new first section. Returns it with the first save's form data and both versions."""
    original = change_form_data(article)
    assert admin_client.post(change_url(article), original).status_code == 302
    changed = {**original, "headline": NEW_HEADLINE, "sections-0-text": NEW_TEXT}
    assert admin_client.post(change_url(article), changed).status_code == 302
    newer, older = Version.objects.get_for_object(article)[:2]
    article.refresh_from_db()
    return article, original, older, newer


def test_each_admin_save_keeps_a_version_with_who(edited, admin_user):
    _article, original, older, newer = edited
    assert older.revision.user == admin_user
    assert newer.revision.user == admin_user
    assert newer.field_dict["headline"] == NEW_HEADLINE
    assert older.field_dict["headline"] == original["headline"]
    # The sections are kept in the same revision; the app's own counters are not kept at all.
    kept = {v.content_type.model for v in newer.revision.version_set.all()}
    assert kept == {"article", "section"}
    assert not Article.KEPT_BY_THE_APP & set(newer.field_dict)


def test_the_history_page_is_persian_with_jalali_dates(edited, admin_client):
    article, *_ = edited
    page = admin_client.get(change_url(article, "history/")).content.decode()
    assert "مقایسهٔ دو نسخه" in page
    assert "۱۴" in page  # a Jalali year: 14xx
    assert "Choose a date" not in page


def test_two_versions_side_by_side_show_what_changed(edited, admin_client):
    article, original, older, newer = edited
    response = admin_client.get(
        change_url(article, "history/compare/"), {"from": older.pk, "to": newer.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<ins>" in page and "<del>" in page
    assert "تازهٔ" in page  # a word of the new headline, marked
    assert "بازنویسی‌شدهٔ" in page  # and of the new section text
    assert "بخش ۱" in page
    # Unchanged fields are not listed.
    assert original["lead"] not in page


def test_restore_brings_back_the_old_text_refreshes_the_page_and_keeps_counters(
    edited, admin_client, client
):
    article, original, older, _newer = edited
    first_text = original["sections-0-text"]
    assert NEW_HEADLINE in client.get(article.get_absolute_url()).content.decode()  # cached
    Article.objects.filter(pk=article.pk).update(view_count=1234, helpful_yes=7, helpful_no=2)

    form = admin_client.get(change_url(article, f"history/{older.pk}/"))
    assert form.status_code == 200
    assert original["headline"] in form.content.decode()
    article.refresh_from_db()
    assert article.headline == NEW_HEADLINE  # only showing the form changes nothing

    response = admin_client.post(change_url(article, f"history/{older.pk}/"), original)
    assert response.status_code == 302, response.content.decode()[:2000]

    article.refresh_from_db()
    assert article.headline == original["headline"]
    assert article.sections.order_by("position").first().text == first_text
    assert (article.view_count, article.helpful_yes, article.helpful_no) == (1234, 7, 2)
    body = article.sections.values_list("text", flat=True)
    assert article.search_text == search_text(article.kicker, article.headline, article.lead, *body)
    page = client.get(article.get_absolute_url()).content.decode()
    assert original["headline"] in page and NEW_HEADLINE not in page
    assert NEW_TEXT not in page
    # The restore is itself a version, noted with a Jalali date.
    latest = Version.objects.get_for_object(article).first()
    assert latest.revision.comment.startswith("بازگردانده به نسخهٔ ")


def test_a_reporter_cannot_restore_someone_elses_article(edited, reporter):  # noqa: F811
    article, original, older, _ = edited
    response = reporter.post(change_url(article, f"history/{older.pk}/"), original)
    assert response.status_code == 404
    assert reporter.get(change_url(article, f"history/{older.pk}/")).status_code == 404
    article.refresh_from_db()
    assert article.headline == NEW_HEADLINE


def test_a_reporter_restores_their_own_draft(article, reporter):  # noqa: F811
    Article.objects.filter(pk=article.pk).update(author=reporter.user, status=Article.Status.DRAFT)
    article.refresh_from_db()
    original = change_form_data(article)
    del original["status"]
    assert reporter.post(change_url(article), original).status_code == 302
    changed = {**original, "headline": NEW_HEADLINE}
    assert reporter.post(change_url(article), changed).status_code == 302
    older = Version.objects.get_for_object(article)[1]
    response = reporter.post(change_url(article, f"history/{older.pk}/"), original)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == original["headline"]
    assert article.status == Article.Status.DRAFT


def test_a_reporter_restores_a_once_published_version_of_their_draft_as_a_draft(
    edited,
    reporter,  # noqa: F811
):
    article, original, older, _ = edited  # both saved as published by the admin
    Article.objects.filter(pk=article.pk).update(author=reporter.user, status=Article.Status.DRAFT)
    del original["status"]
    response = reporter.post(change_url(article, f"history/{older.pk}/"), original)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == original["headline"]
    assert article.status == Article.Status.DRAFT
    assert reporter.get(article.get_absolute_url()).status_code == 404  # still not public


def test_an_editor_may_compare_but_not_restore(edited, editor, client):
    article, original, older, newer = edited
    client.force_login(editor)
    assert client.get(change_url(article, "history/")).status_code == 200
    versions = {"from": older.pk, "to": newer.pk}
    assert client.get(change_url(article, "history/compare/"), versions).status_code == 200
    assert client.get(change_url(article, f"history/{older.pk}/")).status_code == 403
    assert client.post(change_url(article, f"history/{older.pk}/"), original).status_code == 403
    article.refresh_from_db()
    assert article.headline == NEW_HEADLINE


@pytest.mark.parametrize(
    "rest",
    [
        "history/999999/",
        "history/99999999999999999999999/",
        "history/compare/?from=abc&to=1",
        "history/compare/?from=99999999999999999999999&to=1",
        "history/compare/?from=1",
        "history/compare/?from=٣&to=٤",
    ],
)
def test_bad_version_ids_are_404(edited, admin_client, rest):
    article, *_ = edited
    assert admin_client.get(change_url(article, rest)).status_code == 404


def test_another_objects_version_is_404(edited, admin_client):
    article, _original, older, _ = edited
    section = older.revision.version_set.exclude(pk=older.pk).first()
    assert admin_client.get(change_url(article, f"history/{section.pk}/")).status_code == 404
    url = change_url(article, "history/compare/")
    assert admin_client.get(url, {"from": section.pk, "to": older.pk}).status_code == 404


def test_recovering_deleted_articles_is_for_those_who_may_delete(
    edited,
    reporter,  # noqa: F811
    admin_client,
):
    assert admin_client.get("/admin/articles/article/recover/").status_code == 200
    assert (
        admin_client.get("/admin/articles/article/recover/99999999999999999999/").status_code == 404
    )
    assert reporter.get("/admin/articles/article/recover/").status_code == 403
    assert reporter.get("/admin/articles/article/recover/99999999999999999999/").status_code in (
        403,
        404,
    )


def test_existing_articles_get_a_first_version(article):
    call_command("createinitialrevisions", "articles.Article", verbosity=0)
    version = Version.objects.get_for_object(article).get()
    assert version.revision.version_set.count() == 1 + article.sections.count()


def test_applied_typesetting_is_kept_as_a_version_too(article, admin_client, admin_user):
    section = article.sections.order_by("position").first()
    section.text = "این کار انجام می شود."
    section.save()
    review = f"/admin/articles/article/{article.pk}/typeset/"
    page = admin_client.get(review).content.decode()
    ids = re.findall(r'name="change" value="(section-[^"]+)"', page)
    digests = dict(re.findall(r'name="(digest-[^"]+)" value="([^"]+)"', page))
    assert admin_client.post(review, {"change": ids, **digests}).status_code == 302
    version = Version.objects.get_for_object(article).get()
    assert version.revision.user == admin_user
    assert "حروف‌چینی" in version.revision.get_comment()
    kept = {(v._model, v.object_id): v.field_dict for v in version.revision.version_set.all()}
    assert kept[Section, str(section.pk)]["text"] == "این کار انجام می‌شود."
    assert len(kept) == 1 + article.sections.count()


def visible_latin(html: str) -> list[str]:
    """Latin words a person reads on the page (tags, scripts and attributes aside)."""
    text = re.sub(r"<(script|style|nav)\b.*?</\1>", "", html, flags=re.S)  # nav: other apps
    text = re.sub(r"<[^>]+>|&\w+;|https?://\S+", " ", text)
    # Key names in Django's Persian help for multiple choice, and the users' own names.
    allowed = {"Control", "Command", "Mac", "admin", "dabir"}
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in allowed]


def test_the_history_pages_speak_persian(edited, admin_client):
    article, _original, older, newer = edited
    pages = [
        change_url(article, "history/"),
        change_url(article, f"history/compare/?from={older.pk}&to={newer.pk}"),
        change_url(article, f"history/{older.pk}/"),
    ]
    for url in pages:
        assert visible_latin(admin_client.get(url).content.decode()) == [], url


def test_restoring_a_version_before_a_swap_of_sections(article, admin_client):
    original = change_form_data(article)
    assert admin_client.post(change_url(article), original).status_code == 302
    first, second = article.sections.order_by("position")[:2]
    swapped = {**original, "sections-0-position": 2, "sections-1-position": 1}
    assert admin_client.post(change_url(article), swapped).status_code == 302
    older = Version.objects.get_for_object(article)[1]
    assert admin_client.get(change_url(article, f"history/{older.pk}/")).status_code == 200
    first.refresh_from_db()
    assert first.position == 2  # showing the form left everything as it was

    response = admin_client.post(change_url(article, f"history/{older.pk}/"), original)
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (1, 2)
