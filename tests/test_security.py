"""Production configuration, security headers on every page, and the admin lockout."""

import importlib
import ipaddress
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import clear_url_caches

from comments.models import Comment
from newsroom.proxies import proxy_hops, trusted_proxies
from newsroom.security import client_ip
from tests.conftest import comment_data

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
NGINX_CONF = (ROOT / "deploy" / "nginx.conf").read_text()
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
    # No SECURE_PROXY_SSL_HEADER: gunicorn sets the scheme from trusted proxies only.
    assert result.stdout.split("\n")[-2] == "True True True Lax Lax 31536000 True None", (
        result.stderr
    )


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


def test_admin_lockout_page_names_the_account_or_address(client, editor):
    for _ in range(5):
        client.post("/admin/login/", {"username": "dabir", "password": "wrong"})
    locked = client.post("/admin/login/", {"username": "dabir", "password": "wrong"})
    assert locked.status_code == 429
    assert "این حساب یا از این نشانی" in locked.content.decode()


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


# --- Client address and scheme behind proxies ----------------------------------------------------

FORGED = {
    "HTTP_X_FORWARDED_FOR": "6.6.6.6",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_SSL": "on",
}


@pytest.fixture
def behind(settings):
    """Configure the trusted proxies and hops as the environment would."""

    def configure(proxies=("127.0.0.1", "::1"), hops=1):
        settings.TRUSTED_PROXIES = list(proxies)
        settings.PROXY_HOPS = hops

    return configure


def request_from(peer: str, forwarded_for: str | None = None, **extra):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **headers, **extra)


def test_forged_headers_from_a_direct_client_change_neither_address_nor_scheme(settings):
    assert settings.TRUSTED_PROXIES == []  # DJANGO_BEHIND_PROXY off (the tests' default)
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", **FORGED)
    assert client_ip(request) == "198.51.100.7"
    assert request.scheme == "http" and not request.is_secure()


@pytest.mark.parametrize(
    ("proxies", "hops", "peer", "forwarded_for", "expected", "why"),
    [
        (["127.0.0.1", "::1"], 1, "127.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7", "nginx"),
        (["127.0.0.1", "::1"], 1, "::1", "203.0.113.7", "203.0.113.7", "nginx over IPv6"),
        (["127.0.0.1", "::1"], 1, "198.51.100.9", "203.0.113.7", "198.51.100.9", "not a proxy"),
        (["127.0.0.1"], 1, "127.0.0.1", None, "127.0.0.1", "no header: the proxy itself"),
        (["127.0.0.1"], 1, "127.0.0.1", "bogus", "127.0.0.1", "malformed: the proxy itself"),
        (["127.0.0.1"], 1, "127.0.0.1", "", "127.0.0.1", "empty header"),
        (["10.0.0.0/8"], 1, "10.1.2.3", "203.0.113.7", "203.0.113.7", "a proxy network"),
        (["10.0.0.0/8"], 1, "127.0.0.1", "203.0.113.7", "127.0.0.1", "loopback not listed"),
        (["127.0.0.1"], 1, "127.0.0.1", "2001:DB8:0::1", "2001:db8::1", "one spelling"),
        # CDN → nginx → app: the CDN appends the client, nginx appends the CDN.
        (["127.0.0.1"], 2, "127.0.0.1", "6.6.6.6, 203.0.113.7, 192.0.2.50", "203.0.113.7", "cdn"),
        (["127.0.0.1"], 2, "127.0.0.1", "192.0.2.50", "192.0.2.50", "short: nearest trusted"),
        (["127.0.0.1"], 2, "127.0.0.1", "x, 192.0.2.50", "192.0.2.50", "malformed: nearest"),
        (
            ["127.0.0.1"],
            2,
            "127.0.0.1",
            "203.0.113.7, 1.2.3.4:80",
            "127.0.0.1",
            "last entry malformed",
        ),
        ([], 1, "127.0.0.1", "203.0.113.7", "127.0.0.1", "proxy setting off"),
    ],
)
def test_client_address_takes_the_trusted_hop(
    behind, proxies, hops, peer, forwarded_for, expected, why
):
    behind(proxies, hops)
    assert client_ip(request_from(peer, forwarded_for)) == expected, why


def test_rotating_forged_addresses_share_one_comment_limit(settings, behind, client, article):
    behind(["192.0.2.10"])  # nginx on another machine; this client reaches the app directly
    settings.COMMENT_RATE = "3/m"
    statuses = [
        client.post(
            "/news/673206/comments/",
            comment_data(article, text=f"دیدگاه با نشانی ساختگی {n}"),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(6)
    ]
    assert statuses == [302, 302, 302, 429, 429, 429]
    assert Comment.objects.count() == 3
    assert Comment.objects.values("sender_hash").distinct().count() == 1


def test_comments_behind_our_proxy_are_limited_per_forwarded_client(
    settings, behind, client, article
):
    behind()
    settings.COMMENT_RATE = "1/m"
    for n in range(2):
        response = client.post(
            "/news/673206/comments/",
            comment_data(article, text=f"دیدگاه خوانندهٔ {n}"),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        assert response.status_code == 302
    assert Comment.objects.values("sender_hash").distinct().count() == 2


def test_proxy_settings_come_from_the_environment():
    import environ

    def env(**values):
        os_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        e = environ.Env()
        e.ENVIRON = {**os_env, **values}
        return e

    assert trusted_proxies(env()) == []
    assert trusted_proxies(env(DJANGO_TRUSTED_PROXIES="10.0.0.0/8")) == []
    assert trusted_proxies(env(DJANGO_BEHIND_PROXY="on")) == ["127.0.0.1", "::1"]
    assert trusted_proxies(
        env(DJANGO_BEHIND_PROXY="on", DJANGO_TRUSTED_PROXIES="10.0.0.0/8,192.0.2.1")
    ) == ["10.0.0.0/8", "192.0.2.1"]
    with pytest.raises(ImproperlyConfigured):
        trusted_proxies(env(DJANGO_BEHIND_PROXY="on", DJANGO_TRUSTED_PROXIES="10.0.0.1/8"))
    assert proxy_hops(env()) == 1
    assert proxy_hops(env(DJANGO_PROXY_HOPS="2")) == 2
    with pytest.raises(ImproperlyConfigured):
        proxy_hops(env(DJANGO_PROXY_HOPS="0"))


def gunicorn_config(env: dict) -> dict[str, str]:
    """gunicorn.conf.py as gunicorn reads it, with `env` as the environment."""
    result = subprocess.run(  # noqa: S603 (our own gunicorn)
        [GUNICORN, "-c", "gunicorn.conf.py", "--print-config", "newsroom.wsgi"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = (line.partition("=") for line in result.stdout.splitlines())
    return {name.strip(): value.strip() for name, _, value in lines}


def test_gunicorn_trusts_the_scheme_from_the_same_proxies_only():
    direct = gunicorn_config({**PRODUCTION_ENV, "DJANGO_BEHIND_PROXY": "off"})
    assert direct["forwarded_allow_ips"] == "[]"
    assert direct["secure_scheme_headers"] == "{'X-FORWARDED-PROTO': 'https'}"
    behind_nginx = gunicorn_config(PRODUCTION_ENV)
    assert behind_nginx["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    listed = gunicorn_config({**PRODUCTION_ENV, "DJANGO_TRUSTED_PROXIES": "10.0.0.0/8"})
    assert listed["forwarded_allow_ips"] == "['10.0.0.0/8']"


def test_gunicorn_listens_only_where_nginx_reaches_it():
    service = (ROOT / "deploy" / "newsroom.service").read_text()
    host, port = re.search(r"^Environment=HOST=(\S+) PORT=(\d+)$", service, re.M).groups()
    assert ipaddress.ip_address(host).is_loopback
    upstream = re.search(r"upstream newsroom_app \{\s*(?:#.*\n\s*)*server (\S+)", NGINX_CONF)
    assert upstream.group(1) == f"{host}:{port}"


def test_nginx_reads_whole_requests_and_cuts_slow_clients_off():
    for directive in (
        "client_header_timeout 10s;",
        "client_body_timeout 10s;",
        "send_timeout 10s;",
        "proxy_request_buffering on;",
        "proxy_buffering on;",
    ):
        assert directive in NGINX_CONF


# --- Admin sign-in: guesses across accounts ------------------------------------------------------


def sign_in(client, username: str, password: str, **extra):
    """The admin login form as a browser sends it, CSRF token and all."""
    client.get("/admin/login/", **extra)
    return client.post(
        "/admin/login/?next=/admin/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
        **extra,
    )


def test_good_sign_ins_between_guesses_do_not_reset_them(editor, django_user_model):
    django_user_model.objects.create_superuser("modir", password="Sup3r-long-Passw0rd!")
    guesser = Client(enforce_csrf_checks=True)
    for n in range(4):
        assert sign_in(guesser, "modir", f"guess-{n}").status_code == 200
        # The editor signs in properly from the same address between guesses.
        assert (
            sign_in(Client(enforce_csrf_checks=True), "dabir", "x-long-Passw0rd!").status_code
            == 302
        )
    fifth = sign_in(guesser, "modir", "guess-4")
    assert fifth.status_code == 429
    assert "ورود موقتاً بسته شد" in fifth.content.decode()
    # The account is locked wherever the right password comes from, for the cool-off.
    owner = Client(enforce_csrf_checks=True)
    refused = sign_in(owner, "modir", "Sup3r-long-Passw0rd!", REMOTE_ADDR="198.51.100.20")
    assert refused.status_code == 429
    assert "ورود موقتاً بسته شد" in refused.content.decode()
    assert "_auth_user_id" not in owner.session
    # An administrator lifts it from the command line.
    call_command("axes_reset_username", "modir", verbosity=0)
    assert (
        sign_in(owner, "modir", "Sup3r-long-Passw0rd!", REMOTE_ADDR="198.51.100.20").status_code
        == 302
    )


def test_a_sign_in_forgives_only_the_users_own_failures(editor):
    typist = Client(enforce_csrf_checks=True)
    for _ in range(2):
        for _ in range(4):
            assert sign_in(typist, "dabir", "typo").status_code == 200
        assert sign_in(typist, "dabir", "x-long-Passw0rd!").status_code == 302
        typist.post("/admin/logout/", {"csrfmiddlewaretoken": typist.cookies["csrftoken"].value})
