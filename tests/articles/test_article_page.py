import html
import json
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Category, Section, Tag
from tests.conftest import ARTICLE_PAGE_QUERIES

pytestmark = pytest.mark.django_db

ZWNJ = "\u200c"


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def visible_text(document: str) -> str:
    """The text a reader sees: no head, no scripts, no tags, entities decoded."""
    body = document.split("<body", 1)[1]
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_seven_paragraphs_in_order_with_every_zwnj(client, article, reference):
    document = page(client, article)
    positions = [document.index(f"<p>{paragraph}</p>") for paragraph in reference["body"]]
    assert positions == sorted(positions)
    assert len(reference["body"]) == 7
    body = document[positions[0] : positions[-1]]
    assert body.count(ZWNJ) == sum(p.count(ZWNJ) for p in reference["body"][:-1])


def test_kicker_headline_lead_in_order(client, article, reference):
    document = page(client, article)
    kicker = document.index(f'<p class="kicker">{reference["kicker"]}</p>')
    headline = document.index(f'<h1 id="headline">{reference["title"]}</h1>')
    lead = document.index(f'<p class="lead">{reference["lead"]}</p>')
    assert kicker < headline < lead


def test_document_is_persian_right_to_left(client, article):
    assert page(client, article).startswith('<!doctype html>\n<html lang="fa" dir="rtl">')


def test_jalali_date_and_news_code_in_persian(client, article):
    document = page(client, article)
    assert '<time datetime="2025-12-14T12:00:00+03:30">۲۳ آذر ۱۴۰۴، ساعت ۱۲:۰۰</time>' in document
    assert "کد خبر: ۶۷۳۲۰۶" in document


def test_no_latin_digit_reaches_the_reader(client, article):
    # Web addresses are the one exception: shown left to right, as typed into a browser.
    document = re.sub(r'<a [^>]*dir="ltr"[^>]*>https?://[^<]*</a>', "", page(client, article))
    text = visible_text(document)
    assert not re.search(r"[0-9]", text), re.findall(r".{20}[0-9].{20}", text)


def test_tags_are_links_and_source_names_the_agency(client, article, reference):
    document = page(client, article)
    for name in reference["tags"]:
        tag = Tag.objects.get(name=name)
        assert f'<a href="{tag.get_absolute_url()}" rel="tag">{name}</a>' in document
    assert (
        f'منبع:\n      <a href="{reference["source"]["url"]}" rel="noopener external">'
        f"{reference['source']['agency']}</a>" in document
    )


def test_head_metadata(client, article, reference):
    document = page(client, article)
    head = document.split("</head>", 1)[0]
    assert f"<title>{reference['title']} | تحریریه</title>" in head
    assert '<meta name="description" content="استاندار ایلام، در جلسه' in head
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', head).group(1)
    assert unquote(canonical).endswith(f"/news/673206/{article.slug}/")
    assert '<meta property="og:type" content="article">' in head
    assert '<meta property="og:locale" content="fa_IR">' in head
    assert '<meta property="article:published_time" content="2025-12-14T12:00:00+03:30">' in head
    assert '<meta property="article:section" content="ایلام">' in head
    for name in reference["tags"]:
        assert f'<meta property="article:tag" content="{name}">' in head
    assert '<meta name="twitter:card" content="summary">' in head


def test_json_ld_names_the_article(client, article, reference):
    document = page(client, article)
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', document, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == reference["title"]
    assert data["description"] == reference["lead"]
    assert data["datePublished"] == "2025-12-14T12:00:00+03:30"
    assert data["dateModified"].endswith("+03:30")
    assert data["inLanguage"] == "fa"
    assert data["articleSection"] == "ایلام"
    assert data["keywords"] == sorted(reference["tags"])
    assert unquote(data["mainEntityOfPage"]["@id"]).endswith(f"/news/673206/{article.slug}/")
    assert data["isBasedOn"]["url"] == reference["source"]["url"]
    assert data["isBasedOn"]["publisher"]["name"] == "خبرگزاری موج"
    assert data["publisher"]["name"] == "تحریریه"


def test_json_ld_cannot_be_closed_by_content(client, article):
    article.headline = "</script><script>alert(1)</script>"
    article.save()
    document = page(client, article)
    assert "<script>alert(1)" not in document
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', document, re.S).group(1)
    assert json.loads(raw)["headline"] == article.headline


def test_short_address_and_wrong_slug_redirect_permanently(client, article):
    canonical = article.get_absolute_url()
    for wrong in ["/news/673206/", "/news/673206/some-old-slug/", "/news/673206/مهمترین/"]:
        response = client.get(wrong)
        assert response.status_code == 301, wrong
        assert response["Location"] == canonical


def test_drafts_and_future_articles_are_not_found(client, article):
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get("/news/673206/").status_code == 404
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now() + timedelta(hours=1)
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "مهم‌ترین" not in client.get("/").content.decode()


def test_unknown_code_is_a_persian_404(client, article):
    response = client.get("/news/999999/anything/")
    assert response.status_code == 404
    assert "صفحه پیدا نشد" in response.content.decode()


def test_published_is_the_one_definition(article):
    draft = Article.objects.create(
        headline="پیش‌نویس", lead="x", news_code=1, category=article.category
    )
    future = Article.objects.create(
        headline="آینده",
        lead="x",
        news_code=2,
        category=article.category,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
    )
    published = set(Article.objects.published())
    assert article in published
    assert draft not in published and future not in published


def test_home_lists_latest_published_with_links(client, article):
    older = Article.objects.create(
        headline="خبر قدیمی‌تر",
        lead="لید",
        news_code=100,
        category=article.category,
        status=Article.Status.PUBLISHED,
        published_at=article.published_at - timedelta(days=1),
    )
    Article.objects.create(
        headline="خبر پیش‌نویس", lead="لید", news_code=101, category=article.category
    )
    document = client.get("/").content.decode()
    assert f'href="{article.get_absolute_url()}"' in document
    assert document.index(article.headline) < document.index(older.headline)
    assert "خبر پیش‌نویس" not in document


def test_section_and_tag_pages_list_the_article(client, article):
    for url in [article.category.get_absolute_url(), article.tags.first().get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        assert article.headline in response.content.decode()


def test_query_count_does_not_grow_with_sections_and_tags(
    client, article, django_assert_num_queries, django_capture_on_commit_callbacks, settings
):
    settings.ARTICLE_CACHE_SECONDS = 0  # measure the rendering itself, not the cached copy
    url = article.get_absolute_url()

    def rebuild_cost(change) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            change()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.get(url)  # the first rendering ever also makes the fragments' first versions
    one_more = rebuild_cost(
        lambda: Section.objects.create(article=article, position=8, text="بند شمارهٔ 8")
    )

    def many_more():
        for position in range(9, 30):
            Section.objects.create(article=article, position=position, text=f"بند شمارهٔ {position}")
        for n in range(10):
            article.tags.add(Tag.objects.create(name=f"برچسب {n}", slug=f"tag-{n}"))
        article.save()

    assert rebuild_cost(many_more) == one_more
    # Until the next change, the body, its tags and the lists are not read again.
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        response = client.get(url)
    document = response.content.decode()
    assert "بند شمارهٔ 29" in document and "برچسب 9" in document


def test_unicode_slug_made_from_headline_keeps_word_breaks():
    category = Category.objects.create(name="فرهنگ", slug="فرهنگ")
    article = Article.objects.create(
        headline="راه‌اندازی مرکز صنایع‌دستی", lead="x", news_code=5, category=category
    )
    assert article.slug == "راه-اندازی-مرکز-صنایع-دستی"
