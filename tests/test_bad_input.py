"""Bad input thrown at every public endpoint: a clear 4xx or a pending comment, never a 5xx,
and nothing public that an editor has not approved."""

import time

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Article
from comments.forms import security_hash
from comments.models import Comment
from tests.conftest import comment_data

pytestmark = pytest.mark.django_db
POST = "/news/673206/comments/"


@pytest.fixture(autouse=True)
def _generous_rate(settings):
    settings.COMMENT_RATE = "100000/m"  # the flood limit has its own test


def assert_clean_refusal(response, status=400, persian: str | None = None):
    assert response.status_code == status, response.status_code
    document = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in document
    if persian:
        assert persian in document


def assert_nothing_public(client, article):
    document = client.get(article.get_absolute_url()).content.decode()
    assert '<ol class="comment-list">' not in document
    assert not Comment.objects.approved().exists()


@pytest.mark.parametrize(
    ("overrides", "persian"),
    [
        ({"name": None, "text": None, "email": None}, "نام خود را بنویسید."),
        ({"name": ""}, "نام خود را بنویسید."),
        ({"text": ""}, "متن دیدگاه را بنویسید."),
        ({"timestamp": None}, "فرم معتبر نیست"),
        ({"security_hash": ""}, "فرم معتبر نیست"),
        ({"name": "ن" * 100_000}, "نام حداکثر ۸۰ نویسه"),
        ({"text": "م" * 100_000}, "دیدگاه حداکثر ۲۰۰۰ نویسه"),
        ({"email": "a" * 100_000 + "@example.com"}, "نشانی ایمیل درست نیست"),
        ({"honeypot": "x" * 100_000, "text": ""}, "متن دیدگاه را بنویسید."),
        ({"text": "\x00" * 10}, "نویسهٔ تهی"),
        ({"email": "a\x00@example.com"}, "نویسهٔ تهی"),
        ({"timestamp": "9" * 5000}, "فرم معتبر نیست"),
        ({"timestamp": "-1"}, "فرم معتبر نیست"),
        ({"security_hash": "' OR 1=1 --"}, "فرم معتبر نیست"),
    ],
)
def test_bad_fields_are_refused_in_persian(client, article, overrides, persian):
    assert_clean_refusal(client.post(POST, comment_data(article, **overrides)), 400, persian)
    assert Comment.objects.count() == 0


def test_empty_body(client, article):
    assert_clean_refusal(client.post(POST, {}), 400, "نام خود را بنویسید.")


def test_replayed_old_token_is_refused(client, article):
    old = int(time.time()) - 3 * 3600
    data = comment_data(article, timestamp=str(old), security_hash=security_hash(article.pk, old))
    assert_clean_refusal(client.post(POST, data), 400, "این فرم کهنه شده است")


def test_replayed_fresh_post_is_stored_once(client, article):
    data = comment_data(article)
    for _ in range(3):
        assert client.post(POST, data).status_code == 302
    assert Comment.objects.count() == 1


def test_token_of_another_article_is_refused(client, article):
    ts = int(time.time()) - 10
    data = comment_data(article, timestamp=str(ts), security_hash=security_hash(999, ts))
    assert_clean_refusal(client.post(POST, data), 400, "فرم معتبر نیست")


def test_markup_sql_and_bidi_are_stored_as_plain_pending_text(client, article):
    text = "<script>alert(1)</script> '; DROP TABLE comments_comment; -- \u202eمتن\u202c"
    assert client.post(POST, comment_data(article, text=text)).status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.text == "<script>alert(1)</script> '; DROP TABLE comments_comment; -- متن"
    assert_nothing_public(client, article)


def test_invalid_utf8_and_surrogate_bytes(client, article):
    ts = int(time.time()) - 10
    body = (
        f"name=%ED%A0%80%FF&text=%F0%28%8C%28+%D8%B3%D9%84%D8%A7%D9%85&honeypot="
        f"&timestamp={ts}&security_hash={security_hash(article.pk, ts)}"
    ).encode()
    response = client.post(POST, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (302, 400)
    for comment in Comment.objects.all():
        assert comment.status == Comment.Status.PENDING
        assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in comment.name + comment.text)
    assert_nothing_public(client, article)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"name": "x", "text": "y"}', "application/json"),
        ("name=x&text=y", "text/plain"),
        (b"\x00\x01\x02binary", "application/octet-stream"),
        (
            b'--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\n',
            "multipart/form-data; boundary=xx",
        ),
        (b"garbage", "multipart/form-data"),
        ("&".join(f"f{i}=1" for i in range(5000)), "application/x-www-form-urlencoded"),
    ],
)
def test_wrong_or_malformed_bodies(client, article, body, content_type):
    response = client.post(POST, body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert (
        "درخواست نادرست" in response.content.decode()
        or "نام خود را بنویسید." in response.content.decode()
    )
    assert Comment.objects.count() == 0


def test_multipart_form_is_accepted_like_urlencoded(client, article):
    response = client.post(POST, comment_data(article))  # the test client sends multipart
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", POST, 405),
        ("put", POST, 405),
        ("delete", POST, 405),
        ("post", "/news/673206/", 405),
        ("post", "/", 405),
        ("post", "/news/999999/comments/", 404),
        ("post", "/news/99999999999999999999999999/comments/", 404),
        ("get", "/news/99999999999999999999999999/", 404),
        ("get", "/news/-1/", 404),
        ("get", "/news/abc/", 404),
        ("get", "/section/" + "ا" * 3000 + "/", 404),
        ("get", "/tag/%00/", 404),
        ("get", "/?page=abc", 404),
        ("get", "/?page=999999", 404),
        ("get", "/?" + "q=" + "x" * 20_000, 200),
        ("get", "/" + "a" * 8000, 404),
    ],
)
def test_public_endpoints_answer_4xx_not_5xx(client, article, method, url, status):
    response = getattr(client, method)(url)
    assert response.status_code == status
    if status in (400, 404):
        assert '<html lang="fa" dir="rtl">' in response.content.decode()


def test_slug_with_control_characters_is_no_address(client, article):
    for url in ["/news/673206/%00/", "/section/%00/", "/tag/a%0Ab/", "/section/%E2%80%AE/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "صفحه پیدا نشد" in response.content.decode()


FORM_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=2100
) | st.sampled_from(["", " ", "\u202e", "\x00", "<script>", "' OR '1'='1", "ي ك", "a" * 3000])


@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=FORM_TEXT, email=FORM_TEXT, text=FORM_TEXT, honeypot=st.sampled_from(["", "x"]))
def test_property_any_form_ends_in_4xx_or_a_hidden_comment(article, name, email, text, honeypot):
    client = Client()
    response = client.post(
        POST, comment_data(article, name=name, email=email, text=text, honeypot=honeypot)
    )
    assert response.status_code in (302, 400), response.status_code
    assert not Comment.objects.approved().exists()
    for comment in Comment.objects.all():
        assert comment.status in (Comment.Status.PENDING, Comment.Status.SPAM)
        assert comment.name == comment.name.strip() and comment.text == comment.text.strip()
        assert not set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") & set(comment.text)
        assert "\u064a" not in comment.text and "\u0643" not in comment.text
        assert 0 < len(comment.text) <= 2000 and 0 < len(comment.name) <= 80
    if response.status_code == 400:
        assert "لطفاً" in response.content.decode() or "errorlist" in response.content.decode()


DESK = "/admin/comments/comment/"


def queued(article) -> Comment:
    return Comment.objects.create(article=article, name="خواننده", text="دیدگاه", sender_hash="s")


@pytest.mark.parametrize(
    "query",
    [
        "status=%00",
        "status=bogus",
        "status=PENDING",
        "status=pending%00",
        "status=" + "x" * 5000,
        "status=pending&status=%00",
        "q=%00",
        "q=a%00b",
        "q=" + "%D8%B3" * 3000,
        "article__id__exact=%00",
        "article__id__exact=abc",
        "article__id__exact=99999999999999999999999",
        "article__id__exact=-1",
        "article__isnull=%00",
        "created_at__gte=%00",
        "created_at__lt=abc",
        "created_at__year=%00",
        "created_at__year=99999",
        "created_at__year=2025&created_at__month=13",
        "created_at__year=2025&created_at__month=2&created_at__day=31",
        "o=%00",
        "o=99",
        "o=-1.abc",
        "p=%00",
        "p=-1",
        "p=99999",
        "all=%00",
        "e=%00",
        "_to_field=%00",
        "_to_field=sender_hash",
        "_popup=%00",
        "_facets=%00",
        "sender_hash=%00",
        "text__regex=%00",
        "text__regex=(",
        "name__iregex=[",
        "created_at__regex=(",
        "status__regex=(",
        "article__headline__regex=(",
        "id__in=1,abc",
        "id__gt=99999999999999999999999",
        "created_at__range=a",
        "created_at__date=x",
        "reply_by__password__startswith=a",
        "%00=%00",
    ],
)
def test_desk_changelist_parameters_answer_4xx_or_a_page(admin_client, article, query):
    queued(article)
    response = admin_client.get(f"{DESK}?{query}", follow=True)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert "درخواست نادرست" in response.content.decode()


@pytest.mark.parametrize("status", ["%00", "bogus", "all%00"])
def test_unknown_status_is_a_persian_400_and_changes_nothing(admin_client, article, status):
    comment = queued(article)
    listing = admin_client.get(f"{DESK}?status={status}")
    assert listing.status_code == 400
    assert "درخواست نادرست" in listing.content.decode()
    action = admin_client.post(
        f"{DESK}?status={status}", {"action": "approve", "_selected_action": [comment.pk]}
    )
    assert action.status_code == 400
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "url",
    [
        "/?q=%00",
        "/news/673206/?utm=%00",
        "/?%00",
        DESK + "?q=%00",
        "/admin/articles/article/?q=a%00",
    ],
)
def test_nul_in_a_query_string_is_a_persian_400(admin_client, article, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "درخواست نادرست" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (DESK, {"action": "approve", "_selected_action": ["%00", "\x00", "abc"]}),
        (DESK, {"action": "\x00", "_selected_action": ["1"]}),
        (DESK, {"action": "approve", "select_across": "\x00", "index": "\x00"}),
        (DESK + "\x00/change/", None),
        (DESK + "abc/change/", None),
        (DESK + "99999999999999999999999/change/", None),
    ],
)
def test_desk_actions_and_pages_with_bad_ids(admin_client, article, url, data):
    comment = queued(article)
    if data is None:
        response = admin_client.get(url, follow=True)
    else:
        response = admin_client.post(url, data, follow=True)
    assert response.status_code in (200, 400, 404), response.status_code
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/articles/article/?headline__regex=(", None),
        ("/admin/articles/article/?lead__iregex=[", None),
        ("/admin/articles/category/?name__regex=(", None),
        ("/admin/articles/tag/?slug__regex=(", None),
        ("/admin/articles/article/", {"action": "delete_selected", "_selected_action": ["abc"]}),
        ("/admin/articles/tag/", {"action": "delete_selected", "_selected_action": ["1x"]}),
    ],
)
def test_article_desk_refuses_patterns_and_bad_ids(admin_client, article, url, data):
    if data is None:
        response = admin_client.get(url, follow=True)
    else:
        response = admin_client.post(url, data, follow=True)
    assert response.status_code in (200, 400), response.status_code
    assert Article.objects.filter(pk=article.pk).exists()
