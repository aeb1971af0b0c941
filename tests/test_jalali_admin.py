"""The admin's Jalali calendar: filters (today … a chosen month) and the publish-time input."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article
from newsroom.jalali import JalaliDateTimeField, JalaliDateTimeInput, jalali_range

TEHRAN = ZoneInfo("Asia/Tehran")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TEHRAN)


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        # 2026-11-26 is Thursday 5 Azar 1405; its week began on Saturday 30 Aban (2026-11-21).
        ("today", local(2026, 11, 26), local(2026, 11, 27)),
        ("yesterday", local(2026, 11, 25), local(2026, 11, 26)),
        ("week", local(2026, 11, 21), local(2026, 11, 28)),
        ("month", local(2026, 11, 22), local(2026, 12, 22)),  # Azar 1405
        ("1404-12", local(2026, 2, 20), local(2026, 3, 21)),  # Esfand 1404, into Farvardin 1405
        ("1405-01", local(2026, 3, 21), local(2026, 4, 21)),
    ],
)
def test_jalali_ranges(value, start, end):
    assert jalali_range(value, today=date(2026, 11, 26)) == (start, end)


@pytest.mark.parametrize("value", ["", "1405-13", "x", "1405-1", "99999-01"])
def test_bad_filter_values_filter_nothing(value):
    assert jalali_range(value, today=date(2026, 11, 26)) is None


@pytest.mark.parametrize(
    "typed",
    ["۱۴۰۴/۰۹/۲۳ ۱۲:۳۰", "1404/09/23 12:30", "١٤٠٤/٠٩/٢٣ ١٢:٣٠", " 1404-9-23  12:30 "],
)
def test_publish_time_input_reads_persian_or_latin_digits(typed):
    value = JalaliDateTimeField().clean(typed)
    assert value == local(2025, 12, 14, 12, 30)
    assert value.utcoffset().total_seconds() == 3.5 * 3600


@pytest.mark.parametrize("typed", ["۱۴۰۴/۱۳/۰۱ ۱۰:۰۰", "دیروز", "1404/12/30 25:00"])
def test_publish_time_input_refuses_nonsense(typed):
    with pytest.raises(ValidationError):
        JalaliDateTimeField().clean(typed)


def test_publish_time_input_shows_jalali_in_tehran():
    assert JalaliDateTimeInput().format_value(local(2025, 12, 14, 12, 0)) == "۱۴۰۴/۰۹/۲۳ ۱۲:۰۰"


@pytest.mark.django_db
def test_chief_editor_saves_the_exact_instant(admin_client, article):
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'value="۱۴۰۴/۰۹/۲۳ ۱۲:۰۰"' in page
    form = {
        "kicker": article.kicker,
        "headline": article.headline,
        "lead": article.lead,
        "slug": article.slug,
        "news_code": article.news_code,
        "status": article.status,
        "published_at": "۱۴۰۴/۰۹/۲۴ ۰۸:۱۵",
        "category": article.category_id,
        "tags": list(article.tags.values_list("pk", flat=True)),
        "source_name": article.source_name,
        "source_url": article.source_url,
        "image_alt": article.image_alt,
        "image_caption": article.image_caption,
        "sections-TOTAL_FORMS": 0,
        "sections-INITIAL_FORMS": 0,
        "_save": "1",
    }
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(pk=article.pk)
    assert article.published_at == local(2025, 12, 15, 8, 15)


@pytest.mark.django_db
def test_article_list_counts_and_jalali_filter(admin_client, article):
    from comments.models import Comment

    for i, status in enumerate(["pending", "pending", "approved", "spam"]):
        Comment.objects.create(
            article=article, name="x", text=f"متن {i}", status=status, sender_hash=str(i)
        )
    page = admin_client.get("/admin/articles/article/").content.decode()
    queue = f"/admin/comments/comment/?status=pending&amp;article__id__exact={article.pk}"
    assert f'<a href="{queue}">۲</a>' in page
    assert f"status=approved&amp;article__id__exact={article.pk}" in page
    assert "۶۷۳۲۰۶" in page and "date_hierarchy" not in page
    assert "آذر ۱۴۰۴" in page  # a chosen Jalali month among the filters
    filtered = admin_client.get("/admin/articles/article/?published_at__jalali=1404-09")
    assert article.headline in filtered.content.decode()
    other = admin_client.get("/admin/articles/article/?published_at__jalali=1404-08")
    assert article.headline not in other.content.decode()
