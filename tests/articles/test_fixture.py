import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Section

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "governor_article.json"


def test_fixture_loads_twice_without_duplicates():
    call_command("loaddata", "governor_article", verbosity=0)
    call_command("loaddata", "governor_article", verbosity=0)
    assert Article.objects.count() == 1
    assert Section.objects.count() == 7


def test_fixture_matches_the_editorial_reference(article, reference):
    assert article.kicker == reference["kicker"]
    assert article.headline == reference["title"]
    assert article.lead == reference["lead"]
    assert [s.text for s in article.sections.order_by("position")] == reference["body"]
    assert [s.position for s in article.sections.order_by("position")] == list(range(1, 8))
    assert sorted(t.name for t in article.tags.all()) == sorted(reference["tags"])
    assert article.category.name == "ایلام"
    assert article.news_code == 673206
    assert article.source_name == "خبرگزاری موج"
    assert article.source_url == reference["source"]["url"]
    assert article.status == Article.Status.PUBLISHED
    assert timezone.localtime(article.published_at).date().isoformat() == "2025-12-14"


def test_fixture_text_is_persian_orthography(reference):
    raw = FIXTURE.read_text(encoding="utf-8")
    data = json.loads(raw)
    texts = json.dumps(data, ensure_ascii=False)
    assert "\u064a" not in texts and "\u0643" not in texts  # Arabic ي and ك
    # Every ZWNJ of the reference is there, and none was added (slugs use hyphens instead).
    expected = sum(
        t.count("\u200c") for t in [reference["title"], reference["lead"], *reference["body"]]
    )
    assert texts.count("\u200c") == expected


def test_make_runs_loader_keeps_existing_content(article):
    Article.objects.filter(pk=article.pk).update(view_count=42, lead="لید ویرایش‌شده")
    call_command("load_initial_content", verbosity=0)
    article.refresh_from_db()
    assert (article.view_count, article.lead) == (42, "لید ویرایش‌شده")


def test_make_runs_loader_fills_an_empty_database():
    call_command("load_initial_content", verbosity=0)
    assert Article.objects.get(news_code=673206).sections.count() == 7
