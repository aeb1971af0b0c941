"""seed_demo: synthetic data for load measurement that never disturbs the governor's article."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.management.commands.seed_demo import (
    GOVERNOR_CODE,
    MARK,
    SOURCE_NAME,
    USER_AGENT,
    Command,
)
from articles.models import Article, Category, Section, Tag
from comments.models import Comment, text_fingerprint

pytestmark = pytest.mark.django_db

ARABIC_YEH_KAF = ("\u064a", "\u0643")


def seed(**options):
    call_command("seed_demo", articles=30, comments=300, verbosity=0, **options)


def synthetic():
    return Article.objects.filter(source_name=SOURCE_NAME)


def snapshot(article: Article) -> dict:
    article.refresh_from_db()
    return {
        "kicker": article.kicker,
        "headline": article.headline,
        "lead": article.lead,
        "slug": article.slug,
        "url": article.get_absolute_url(),
        "published_at": article.published_at,
        "source_name": article.source_name,
        "sections": list(article.sections.order_by("position").values_list("position", "text")),
        "tags": sorted(article.tags.values_list("name", flat=True)),
    }


def test_counts():
    seed()
    assert synthetic().count() == 30
    per_article = [a.sections.count() for a in synthetic()]
    assert min(per_article) >= 4 and max(per_article) <= 10
    assert Section.objects.filter(article__in=synthetic()).count() == sum(per_article)
    assert Comment.objects.filter(article__in=synthetic()).count() == 300
    statuses = dict.fromkeys(Comment.Status.values, 0)
    for status in Comment.objects.filter(article__in=synthetic()).values_list("status", flat=True):
        statuses[status] += 1
    assert statuses[Comment.Status.APPROVED] > 300 // 2
    assert statuses[Comment.Status.PENDING] + statuses[Comment.Status.REJECTED] > 0
    assert Category.objects.filter(articles__in=synthetic()).distinct().count() >= 3
    assert all(a.tags.exists() for a in synthetic())


def test_loads_the_governor_article_when_missing_and_gives_it_200_approved_comments():
    assert not Article.objects.filter(news_code=GOVERNOR_CODE).exists()
    seed()
    governor = Article.objects.get(news_code=GOVERNOR_CODE)
    assert Comment.objects.approved().filter(article=governor).count() == 200
    assert Comment.objects.filter(article=governor).count() == 200


def test_governor_article_is_untouched(client, article):
    before = snapshot(article)
    Comment.objects.create(article=article, name="خواننده", text="دیدگاه واقعی", status="approved")
    seed()
    assert snapshot(article) == before
    assert Comment.objects.approved().filter(article=article).count() == 200  # topped up, 1 + 199
    assert Comment.objects.filter(article=article, name="خواننده").exists()
    assert client.get(before["url"]).status_code == 200


def test_never_more_than_200_on_the_governor_article(article):
    seed()
    seed()
    assert Comment.objects.approved().filter(article=article).count() == 200


def test_running_twice_and_clearing(article):
    seed()
    seed()  # same seed again: no unique constraint may fail
    assert synthetic().count() == 60
    codes = list(Article.objects.values_list("news_code", flat=True))
    assert len(codes) == len(set(codes)) == 61
    assert codes.count(GOVERNOR_CODE) == 1
    seed(clear=True)
    assert synthetic().count() == 30
    assert Comment.objects.filter(user_agent=USER_AGENT).count() == 300 + 200
    assert Comment.objects.approved().filter(article=article).count() == 200


def test_clear_alone_removes_every_synthetic_row(article):
    before = snapshot(article)
    seed()
    call_command("seed_demo", articles=0, comments=0, clear=True, verbosity=0)
    assert not synthetic().exists()
    # Only the governor's own top-up comes back; categories and tags made for the demo go.
    assert Comment.objects.exclude(article=article).count() == 0
    assert list(Category.objects.values_list("name", flat=True)) == ["ایلام"]
    assert Tag.objects.count() == 2
    assert snapshot(article) == before


def test_synthetic_articles_are_published_and_render(client):
    seed()
    assert (
        synthetic().count() == Article.objects.published().filter(source_name=SOURCE_NAME).count()
    )
    for article in synthetic()[:5]:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert article.headline in response.content.decode()
    assert client.get("/").status_code == 200


def test_everything_synthetic_is_marked():
    seed()
    assert all(a.kicker.startswith(MARK) for a in synthetic())
    comments = Comment.objects.filter(article__in=synthetic())
    assert all(c.name.startswith(MARK) and c.user_agent == USER_AGENT for c in comments)
    assert all(c.fingerprint == text_fingerprint(c.text) for c in comments)
    assert "synthetic" in Command.help.lower()


def test_persian_orthography():
    seed()
    texts = [a.headline + a.lead + a.kicker for a in synthetic()]
    texts += list(Section.objects.filter(article__in=synthetic()).values_list("text", flat=True))
    texts += list(Comment.objects.values_list("text", flat=True))
    joined = "".join(texts)
    assert not any(letter in joined for letter in ARABIC_YEH_KAF)
    assert "\u200c" in joined and "ی" in joined and "ک" in joined


def test_same_seed_same_content():
    seed(seed=7)
    first = list(synthetic().order_by("news_code").values_list("headline", "lead"))
    seed(seed=7, clear=True)
    assert list(synthetic().order_by("news_code").values_list("headline", "lead")) == first


def test_comments_need_articles():
    with pytest.raises(CommandError):
        call_command("seed_demo", articles=0, comments=5, verbosity=0)


def test_synthetic_articles_are_searchable(client):
    call_command("seed_demo", "--articles", "20", "--comments", "0", "--seed", "7", verbosity=0)
    article = Article.objects.exclude(news_code=673206).first()
    word = article.headline.split()[0]
    assert article.search_text
    found = Article.objects.published().search(article.headline)
    assert article in found
    assert client.get("/search/", {"q": word}).status_code == 200
