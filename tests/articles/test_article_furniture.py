"""What a reader finds on the article page around the text (issue: a complete news site)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Article, Category, DailyViews, Tag

pytestmark = pytest.mark.django_db
CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"


def publish(category, code, headline, *, tags=(), minutes_ago=5):
    article = Article.objects.create(
        headline=headline,
        lead="لید",
        news_code=code,
        category=category,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    article.tags.set(tags)
    return article


def section_of(document: str, title: str) -> str:
    start = document.index(title)
    return document[start : document.index("</section>", start)]


def test_latest_most_viewed_and_related_lists(client, article):
    ilam, sport = article.category, Category.objects.create(name="ورزشی", slug="ورزشی")
    karami = Tag.objects.get(name="احمد کرمی")
    fresh = publish(ilam, 10, "تازه‌ترین خبر ایلام", minutes_ago=1)
    older = publish(ilam, 11, "خبر پربازدید ایلام", minutes_ago=60)
    other_section = publish(sport, 12, "خبر ورزشی با برچسب کرمی", tags=[karami])
    publish(sport, 13, "خبر ورزشی بی‌ربط")
    DailyViews.objects.create(article=older, day=timezone.localdate(), count=500)
    DailyViews.objects.create(article=fresh, day=timezone.localdate(), count=20)
    DailyViews.objects.create(  # outside the recent window: does not count
        article=fresh, day=timezone.localdate() - timedelta(days=30), count=10_000
    )
    document = client.get(article.get_absolute_url()).content.decode()

    latest = section_of(document, "آخرین اخبار گروه ایلام")
    assert latest.index(fresh.headline) < latest.index(older.headline)
    assert other_section.headline not in latest and article.headline not in latest

    most_viewed = section_of(document, "پربازدیدترین‌های گروه ایلام")
    assert most_viewed.index(older.headline) < most_viewed.index(fresh.headline)

    related = section_of(document, "اخبار مرتبط")
    assert other_section.headline in related
    assert "خبر ورزشی بی‌ربط" not in related


def test_no_empty_lists_when_the_article_stands_alone(client, article):
    document = client.get(article.get_absolute_url()).content.decode()
    assert 'class="related"' not in document


def test_reading_time_views_and_short_link(client, article):
    Article.objects.filter(pk=article.pk).update(view_count=1234)
    article.save()  # an edit re-renders the page
    document = client.get(article.get_absolute_url()).content.decode()
    assert "زمان مطالعه: ۲ دقیقه" in document
    assert "بازدید: ۱۲۳۴" in document
    assert (
        '<a href="http://testserver/n/673206" dir="ltr">http://testserver/n/673206</a>' in document
    )
    assert 'data-copy="http://testserver/n/673206" hidden' in document  # shown by JS only
    assert f'src="/hit/{article.news_code}.gif"' in document


def test_share_links_are_plain_links(client, article):
    document = client.get(article.get_absolute_url()).content.decode()
    share = document[
        document.index('<nav class="share"') : document.index(
            "</nav>", document.index('<nav class="share"')
        )
    ]
    for host, name in [
        ("https://t.me/share/url?url=http%3A%2F%2Ftestserver%2Fnews%2F673206%2F", "تلگرام"),
        ("https://wa.me/?text=", "واتس‌اپ"),
        ("https://eitaa.com/share/url?url=", "ایتا"),
        ("https://ble.ir/share/url?url=", "بله"),
        ("https://x.com/intent/post?url=", "ایکس"),
    ]:
        assert f'href="{host}' in share and f">{name}</a>" in share
    assert "<script" not in share


def test_helpful_form_works_without_javascript(client, article):
    document = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<form class="helpful" id="helpful" method="post" action="/news/673206/helpful/">'
        in document
    )
    assert "<legend>آیا این خبر مفید بود؟</legend>" in document
    assert (
        'name="helpful" value="yes">بله <span class="votes" data-votes="yes">(۰)</span>' in document
    )


def test_search_box_and_feeds_on_every_page(client, article):
    for url in [
        "/",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        "/search/?q=x",
    ]:
        document = client.get(url).content.decode()
        assert '<form class="search" role="search" method="get" action="/search/">' in document
        assert '<link rel="alternate" type="application/rss+xml"' in document
    article_page = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/section/%D8%A7%DB%8C%D9%84%D8%A7%D9%85/feed/"' in article_page


def test_section_pages_paginate(client, article):
    for n in range(25):
        publish(article.category, 100 + n, f"خبر شمارهٔ {n} ایلام", minutes_ago=n + 1)
    first = client.get(article.category.get_absolute_url()).content.decode()
    assert "صفحهٔ ۱ از ۲" in first
    second = client.get(article.category.get_absolute_url() + "?page=2").content.decode()
    assert article.headline in second  # the oldest, on the last page


def test_print_stylesheet_keeps_only_the_article(client):
    css = CSS.read_text()
    print_rules = css[css.index("@media print") :]
    for hidden in [".site-header", ".comments", ".related", ".share", ".helpful", ".text-size"]:
        assert hidden in print_rules
    assert ".source a::after" in print_rules  # the source's address is printed


def test_an_editors_save_does_not_reset_counters(article):
    stale = Article.objects.get(pk=article.pk)  # what the admin form loaded
    Article.objects.filter(pk=article.pk).update(view_count=77, helpful_yes=3)
    stale.lead = "لید ویرایش‌شده"
    stale.save()
    article.refresh_from_db()
    assert (article.view_count, article.helpful_yes, article.lead) == (77, 3, "لید ویرایش‌شده")
