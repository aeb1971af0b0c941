"""What surrounds the article: views, votes, short link, search, feeds, sitemaps, robots."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import counters
from articles.models import Article, Category, DailyViews

pytestmark = pytest.mark.django_db


def publish(category, code, headline, lead="لید خبر", *, days_ago=0, **fields):
    return Article.objects.create(
        headline=headline,
        lead=lead,
        news_code=code,
        category=category,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=days_ago, minutes=1),
        **fields,
    )


# --- Views ----------------------------------------------------------------------------------
def test_views_are_counted_in_memory_and_folded_exactly(client, article, settings):
    settings.VIEW_FOLD_SECONDS = 3600  # fold only when asked, below
    before = article.view_count
    for _ in range(137):
        response = client.get(f"/hit/{article.news_code}.gif")
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
        assert "no-store" in response["Cache-Control"]
    article.refresh_from_db()
    assert article.view_count == before  # no database write per view
    assert counters.pending(article.news_code) == 137
    assert counters.fold() == 137
    article.refresh_from_db()
    assert article.view_count == before + 137
    assert DailyViews.objects.get(article=article).count == 137
    assert counters.pending(article.news_code) == 0
    assert counters.fold() == 0  # folding again adds nothing
    article.refresh_from_db()
    assert article.view_count == before + 137


def test_views_fold_by_themselves_after_the_interval(client, article, settings):
    settings.VIEW_FOLD_SECONDS = 0
    client.get(f"/hit/{article.news_code}.gif")
    client.get(f"/hit/{article.news_code}.gif")
    article.refresh_from_db()
    assert article.view_count == 2


def test_unknown_code_views_are_dropped_on_fold(client, article, settings):
    settings.VIEW_FOLD_SECONDS = 3600
    client.get("/hit/424242.gif")
    assert counters.fold() == 0
    assert not DailyViews.objects.exists()
    assert counters.pending(424242) == 0  # dropped, not kept for ever


@pytest.mark.parametrize(
    "path", ["/hit/99999999999999999999999.gif", "/hit/2147483648.gif", "/hit/0.gif"]
)
def test_out_of_range_codes_are_404_and_never_block_a_fold(client, article, settings, path):
    settings.VIEW_FOLD_SECONDS = 3600
    assert client.get(path).status_code == 404
    assert client.get(f"/news/{path[5:-4]}/").status_code == 404
    client.get(f"/hit/{article.news_code}.gif")
    assert counters.fold() == 1
    article.refresh_from_db()
    assert article.view_count == 1


def test_a_fold_that_cannot_reach_the_database_keeps_its_counts(client, article, settings):
    from unittest import mock

    from django.db import OperationalError

    settings.VIEW_FOLD_SECONDS = 3600
    for _ in range(3):
        assert client.get(f"/hit/{article.news_code}.gif").status_code == 200
    with mock.patch("articles.models.DailyViews.objects.create", side_effect=OperationalError):
        assert counters.fold() == 0
    assert counters.pending(article.news_code) == 3
    assert counters.fold() == 3
    article.refresh_from_db()
    assert article.view_count == 3


# --- Helpful votes --------------------------------------------------------------------------
def test_helpful_vote_without_javascript_once_per_reader(article, settings):
    settings.VIEW_FOLD_SECONDS = 3600  # votes are counted like views, folded below
    reader = Client()
    response = reader.post(f"/news/{article.news_code}/helpful/", {"helpful": "yes"})
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url() + "#helpful"
    page = reader.get(response["Location"]).content.decode()
    helpful = page[page.index('<form class="helpful"') :]
    assert "سپاس؛ رأی شما ثبت شد." in helpful[: helpful.index("</form>")]
    again = reader.post(f"/news/{article.news_code}/helpful/", {"helpful": "no"})
    assert again.status_code == 302
    counters.fold()
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    Client().post(f"/news/{article.news_code}/helpful/", {"helpful": "no"})
    counters.fold()
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 1)


def test_helpful_vote_with_javascript_answers_json_in_persian_digits(client, article):
    response = client.post(
        f"/news/{article.news_code}/helpful/", {"helpful": "yes"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"message": "سپاس؛ رأی شما ثبت شد.", "yes": "۱", "no": "۰"}


@pytest.mark.parametrize("data", [{}, {"helpful": "maybe"}, {"helpful": "x" * 10_000}])
def test_bad_vote_is_refused(client, article, data):
    response = client.post(f"/news/{article.news_code}/helpful/", data)
    assert response.status_code == 400
    assert "گزینهٔ «بله» یا «خیر» را انتخاب کنید." in response.content.decode()
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (0, 0)


def test_votes_do_not_rerender_the_cached_page(client, article, django_assert_num_queries):
    url = article.get_absolute_url()
    client.get(url)
    for _ in range(5):
        Client().post(f"/news/{article.news_code}/helpful/", {"helpful": "yes"})
    with django_assert_num_queries(0):  # still the cached copy: a vote changes no version
        assert client.get(url).status_code == 200
    counters.fold()
    article.refresh_from_db()
    assert article.helpful_yes == 5


def test_vote_flood_limit_and_cross_site_refusal(client, article, settings):
    settings.VOTE_RATE = "2/m"
    url = f"/news/{article.news_code}/helpful/"
    assert (
        Client().post(url, {"helpful": "yes"}, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    )
    for _ in range(2):
        Client().post(url, {"helpful": "yes"})
    assert Client().post(url, {"helpful": "yes"}).status_code == 429


# --- Short link -----------------------------------------------------------------------------
def test_short_link_redirects_to_the_canonical_address(client, article):
    response = client.get("/n/673206")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get("/n/999").status_code == 404


# --- Search ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "مهم‌ترین مأموریت",
        "مهمترين ماموريت",  # no ZWNJ, Arabic ي, no hamza
        "كرمي",  # Arabic ك and ي
        "صنایع‌دستی",
        "صنايعدستي",
        "۱۲ نمایشگاه",
        "12 نمايشگاه",
        "١٢ نمایشگاه",  # Arabic-Indic digits
        "روابط عمومی",
        "رضایتمن",  # a prefix
    ],
)
def test_search_forgives_spelling_variants(client, article, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert article.headline in response.content.decode()


def test_search_finds_only_published_and_matching(client, article):
    publish(article.category, 10, "خبری دربارهٔ بودجه")
    Article.objects.create(
        headline="پیش‌نویس بودجه", lead="x", news_code=11, category=article.category
    )
    document = client.get("/search/", {"q": "بودجه"}).content.decode()
    assert "خبری دربارهٔ بودجه" in document
    assert "پیش‌نویس بودجه" not in document
    assert article.headline not in document
    empty = client.get("/search/", {"q": "واژه‌ای‌که‌نیست"}).content.decode()
    assert "نتیجه‌ای پیدا نشد" in empty


def test_search_index_follows_edits(client, article):
    section = article.sections.get(position=7)
    section.text = "واژهٔ تازه‌ای به نام زنبورستان"
    section.save()
    assert article.headline in client.get("/search/", {"q": "زنبورستان"}).content.decode()
    assert article.headline not in client.get("/search/", {"q": "قدرشناس"}).content.decode()


def test_fixture_search_text_matches_its_content(article):
    stored = article.search_text
    article.refresh_search_text()
    assert stored == article.search_text


# --- Feeds, sitemaps, robots ----------------------------------------------------------------
def test_rss_feeds_list_published_articles(client, article):
    publish(Category.objects.create(name="ورزشی", slug="ورزشی"), 20, "خبر ورزشی")
    Article.objects.create(headline="پیش‌نویس", lead="x", news_code=21, category=article.category)
    feed = ET.fromstring(client.get("/feed/").content)
    titles = [item.findtext("title") for item in feed.iter("item")]
    assert article.headline in titles and "خبر ورزشی" in titles and "پیش‌نویس" not in titles
    assert feed.find("channel/language").text == "fa"
    section = ET.fromstring(client.get(f"{article.category.get_absolute_url()}feed/").content)
    assert [i.findtext("title") for i in section.iter("item")] == [article.headline]


def test_sitemaps_and_robots(client, article):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in sitemap.findall("s:url/s:loc", ns)]
    assert any(loc.endswith(article.get_absolute_url()) for loc in locations)
    fresh = publish(article.category, 30, "خبر امروز")
    news = client.get("/news-sitemap.xml").content.decode()
    assert fresh.headline in news and article.headline not in news  # the governor's is old
    assert "<news:language>fa</news:language>" in news
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Sitemap: http://testserver/news-sitemap.xml" in robots
    assert "Disallow: /admin/" in robots


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
