"""The article side of the admin: codes, slugs, dates and section order that cannot go wrong."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from articles.models import Article, Section
from newsroom.jalali import JalaliDateTimeInput
from newsroom.persian import persian_slug

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def change_form_data(article: Article, **overrides) -> dict:
    """The article's change form as the admin posts it, with its sections as they are."""
    sections = list(article.sections.order_by("position"))
    data = {
        "kicker": article.kicker,
        "headline": article.headline,
        "lead": article.lead,
        "slug": article.slug,
        "news_code": article.news_code,
        "status": article.status,
        "published_at": JalaliDateTimeInput().format_value(article.published_at),
        "category": article.category_id,
        "tags": [t.pk for t in article.tags.all()],
        "source_name": article.source_name,
        "source_url": article.source_url,
        "image_alt": "",
        "image_caption": "",
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(sections),
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
    }
    for i, section in enumerate(sections):
        data |= {
            f"sections-{i}-id": section.pk,
            f"sections-{i}-article": article.pk,
            f"sections-{i}-position": section.position,
            f"sections-{i}-kind": section.kind,
            f"sections-{i}-text": section.text,
            f"sections-{i}-image_alt": "",
            f"sections-{i}-caption": "",
        }
    data.update(overrides)
    return data


def test_swapping_two_sections_saves_instead_of_failing(article, admin_client):
    first, second = article.sections.order_by("position")[:2]
    data = change_form_data(article, **{"sections-0-position": 2, "sections-1-position": 1})
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (2, 1)
    assert Section.objects.filter(article=article).count() == 7


def test_two_sections_at_one_position_are_refused_with_the_text_kept(article, admin_client):
    data = change_form_data(article, **{"sections-1-position": 1, "headline": "تیتر ویرایش‌شده"})
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert "تیتر ویرایش‌شده" in response.content.decode()
    article.refresh_from_db()
    assert article.headline != "تیتر ویرایش‌شده"


def test_a_gregorian_year_in_the_jalali_field_is_refused(article, admin_client):
    data = change_form_data(article, published_at="2026/11/26 12:00")
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert "این زمان انتشار باورپذیر نیست" in response.content.decode()
    article.refresh_from_db()
    assert article.published_at.year == 2025


def test_news_codes_are_given_when_left_blank(article):
    new = Article.objects.create(headline="خبر بی‌کد", lead="لید", category=article.category)
    again = Article.objects.create(headline="خبر بی‌کد دوم", lead="لید", category=article.category)
    assert new.news_code == article.news_code + 1
    assert again.news_code == article.news_code + 2
    assert new.slug == "خبر-بی-کد"


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
def test_the_browser_slug_is_the_site_slug():
    samples = [
        "دستگاه‌های اجرایی استان",
        "مهم‌ترین مأموریت روابط عمومی‌ها؛ «امیدآفرینی»!",
        "  فاصله   و  - خط‌تیره --  ",
        "کُد ۱۴۰۵ و 2026",
        "Ilam's governor: PR heads",
    ]
    script = (
        "const {persianSlug} = require(process.argv[1]);"
        "console.log(JSON.stringify(JSON.parse(process.argv[2]).map(persianSlug)));"
    )
    result = subprocess.run(  # noqa: S603
        ["node", "-e", script, str(ROOT / "static/desk/slug.js"), json.dumps(samples)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert json.loads(result.stdout) == [persian_slug(s) for s in samples]


def test_the_article_form_uses_the_sites_slug_script(article, admin_client):
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "desk/slug" in page
    assert "prepopulate" not in page.split("<form", 1)[1].split("</form>", 1)[0]


def test_readers_never_see_the_refused_dates(client, article):
    assert Client().get("/feed/").status_code == 200


def test_a_new_article_offers_now_as_its_publish_time(admin_client):
    import re

    page = admin_client.get("/admin/articles/article/add/").content.decode()
    field = re.search(r'<input[^>]*name="published_at"[^>]*>', page).group(0)
    assert re.search(r'value="[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}"', field), field
