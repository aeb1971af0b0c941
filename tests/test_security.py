"""Production configuration, security headers on every page, and the admin lockout."""

import importlib
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import clear_url_caches

from tests.conftest import comment_data

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_ENV_FILE": "/nonexistent",  # only what is given here, not the developer's .env
    "DJANGO_DEBUG": "off",
    "DJANGO_SECRET_KEY": "k8#Qv2!pZr7@Lm4$Xw9^Ty6&Hn3*Bc5(Jd1)Fg0_Sa8+Ue2=Io7-Pq4~Rs6",
    "DJANGO_ALLOWED_HOSTS": "news.example.ir",
    "DJANGO_HTTPS": "on",
    "DJANGO_BEHIND_PROXY": "on",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_nothing_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_cookies_are_secure():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split("\n")[-2] == (
        "True True True Lax Lax 31536000 True ('HTTP_X_FORWARDED_PROTO', 'https')"
    ), result.stderr


@pytest.fixture
def production(settings):
    """The same values the production environment gives (see the tests above)."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def assert_security_headers(response):
    csp = dict(
        (*d.strip().split(" ", 1), "")[:2] for d in response["Content-Security-Policy"].split(";")
    )
    assert csp["default-src"] == "'none'"
    for directive in ("script-src", "style-src"):
        assert "unsafe-inline" not in csp[directive] and "unsafe-eval" not in csp[directive]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert csp["base-uri"] == "'none'"
    hsts = response["Strict-Transport-Security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_every_kind_of_page_carries_the_security_headers(client, article, production, editor):
    urls = [
        "/",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        article.tags.first().get_absolute_url(),
        "/no-such-page/",
        "/admin/login/",
    ]
    for url in urls:
        assert_security_headers(client.get(url, secure=True))
    assert_security_headers(client.get("/news/673206/", secure=True))  # a redirect
    bad_post = client.post("/news/673206/comments/", {"name": ""}, secure=True)
    assert bad_post.status_code == 400
    assert_security_headers(bad_post)
    client.force_login(editor)
    assert_security_headers(client.get("/admin/comments/comment/", secure=True))


def test_session_and_csrf_cookies_are_secure_httponly_samesite(client, production, editor):
    login = client.get("/admin/login/", secure=True)
    csrf = login.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "dabir", "password": "x-long-Passw0rd!", "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_admin_lockout_after_failed_sign_ins(client, editor, caplog):
    caplog.set_level(logging.WARNING, logger="newsroom.security")
    for _ in range(4):
        response = client.post("/admin/login/", {"username": "dabir", "password": "wrong"})
        assert response.status_code == 200
    fifth = client.post("/admin/login/", {"username": "dabir", "password": "wrong"})
    assert fifth.status_code == 429
    # Locked: even the right password is refused during the cool-off.
    locked = client.post("/admin/login/", {"username": "dabir", "password": "x-long-Passw0rd!"})
    assert locked.status_code == 429
    assert "ورود موقتاً بسته شد" in locked.content.decode()
    assert any(
        "Locked out" in r.getMessage() or "locked out" in r.getMessage() for r in caplog.records
    )
    assert "_auth_user_id" not in client.session


def test_successful_sign_in_is_not_locked(client, editor):
    for _ in range(3):
        client.post("/admin/login/", {"username": "dabir", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "dabir", "password": "x-long-Passw0rd!"})
    assert response.status_code == 302


@pytest.fixture
def admin_at_desk(settings):
    settings.ADMIN_URL = "desk-7f3a/"
    import newsroom.urls

    importlib.reload(newsroom.urls)
    clear_url_caches()
    yield
    settings.ADMIN_URL = "admin/"
    importlib.reload(newsroom.urls)
    clear_url_caches()


def test_admin_address_is_configurable(client, admin_at_desk):
    assert client.get("/desk-7f3a/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 404


def test_comment_post_headers_from_a_browser_on_our_site_pass(client, article):
    response = client.post(
        "/news/673206/comments/",
        comment_data(article),
        HTTP_ORIGIN="https://testserver",
        secure=True,
    )
    assert response.status_code == 302
