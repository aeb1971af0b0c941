import json
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command

from articles import counters
from articles.models import Article
from comments.forms import security_hash
from comments.models import EDITORS_GROUP

# The article page's queries when it is not in the page cache but its fragments are kept (the
# body, the lists beside it, the comments: articles/views.render_article): the article row.
ARTICLE_PAGE_QUERIES = 1
# What rebuilding each fragment reads: the sections and tags; the article's tags and the three
# lists; a page of threads and their replies.
CONTENT_FRAGMENT_QUERIES = 2
LISTS_FRAGMENT_QUERIES = 4
COMMENT_PAGE_QUERIES = 2

REFERENCE = json.loads((Path(__file__).parent / "data" / "editorial_reference.json").read_text())


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and cached pages must not leak from one test into the next.
    for alias in settings.CACHES:
        caches[alias].clear()
    counters._pending.clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    # Saving an article draws its card: every test writes into its own empty MEDIA_ROOT, as on
    # a clean clone in CI.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def reference() -> dict:
    """The editorial reference (a copy of shared/article/article.json)."""
    return REFERENCE


@pytest.fixture
def article(db) -> Article:
    call_command("loaddata", "governor_article", verbosity=0)
    return Article.objects.get(news_code=673206)


@pytest.fixture
def editor(db, django_user_model):
    """A desk editor: staff, in the Editors group, not a superuser."""
    user = django_user_model.objects.create_user(
        "dabir", password="x-long-Passw0rd!", is_staff=True
    )
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def comment_data(article: Article, **overrides) -> dict:
    """A valid comment form as a browser would send it, signed 10 seconds ago."""
    timestamp = int(time.time()) - 10
    data = {
        "name": "مریم احمدی",
        "email": "maryam@example.com",
        "text": "گزارش خوبی بود؛ امیدوارم مرزهای جدید به‌زودی باز شوند.",
        "honeypot": "",
        "timestamp": str(timestamp),
        "security_hash": security_hash(article.pk, timestamp),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def post_comment(client):
    def post(article: Article, c=None, **overrides):
        return (c or client).post(
            f"/news/{article.news_code}/comments/", comment_data(article, **overrides)
        )

    return post
