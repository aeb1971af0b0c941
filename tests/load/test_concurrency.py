"""Many readers and editors at once, against the real gunicorn: nothing acknowledged is lost."""

import os
import re
import signal
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

from tests.liveserver import BIN, ROOT

from .conftest import changed_count, cookies_set

POSTS = 500
CLIENTS = 50


def test_500_concurrent_comment_posts_are_each_stored_once(site):
    texts = [f"دیدگاه همزمان شمارهٔ {n} دربارهٔ استان ایلام" for n in range(POSTS)]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        statuses = list(pool.map(lambda text: site.post_comment(text), texts))

    acknowledged = {t for t, s in zip(texts, statuses, strict=True) if s == 302}
    stored = site.stored_texts()
    server_errors = [s for s in statuses if s >= 500]
    print(
        f"\nposts sent={POSTS} acknowledged={len(acknowledged)} stored={len(stored)} "
        f"5xx={len(server_errors)} other={sorted({s for s in statuses if s != 302})}"
    )
    assert server_errors == []
    assert len(stored) == len(set(stored))  # each stored once
    assert acknowledged <= set(stored)  # every "received" is stored
    assert set(stored) <= acknowledged  # nothing stored that was answered with an error
    assert len(acknowledged) == POSTS  # and on a healthy server every post is received
    assert "database is locked" not in site.log_text()
    assert "Traceback" not in site.log_text()


def test_graceful_reload_during_a_stream_of_posts_loses_nothing(site):
    texts = [f"دیدگاه در میانهٔ بارگذاری دوباره {n}" for n in range(200)]
    reloaded = threading.Event()

    def post(args):
        n, text = args
        if n == 60 and not reloaded.is_set():
            os.kill(site.process.pid, signal.SIGHUP)  # gunicorn: new workers, old ones finish
            reloaded.set()
        try:
            return site.post_comment(text)
        except OSError:
            return 0  # no answer at all: the reader was not told "received"

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(post, enumerate(texts)))

    acknowledged = {t for t, s in zip(texts, statuses, strict=True) if s == 302}
    stored = site.stored_texts()
    print(f"\nreload: sent={len(texts)} acknowledged={len(acknowledged)} stored={len(stored)}")
    assert reloaded.is_set()
    assert [s for s in statuses if s >= 500] == []
    assert acknowledged <= set(stored)
    assert len(stored) == len(set(stored))
    assert "Handling signal: hup" in site.log_text()


def test_two_editors_at_once_record_one_moderator_and_lose_no_reply(site):
    env = {**site.env, "EDITOR_PASSWORD": "Desk-pass-2025!x"}
    for name in ("editor-a", "editor-b"):
        subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", "create_editor", name],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
    for n in range(40):
        assert site.post_comment(f"دیدگاهی برای بررسی همزمان {n}") == 302
    ids = site.shell(
        "import json; from comments.models import Comment; "
        "print(json.dumps(list(Comment.objects.order_by('pk').values_list('pk', flat=True))))"
    )

    sessions = {name: login(site, name, "Desk-pass-2025!x") for name in ("editor-a", "editor-b")}
    barrier = threading.Barrier(2)

    def approve_all(name):
        cookies, token = sessions[name]
        barrier.wait()
        status, headers, body = site.request(
            "POST",
            "/admin/comments/comment/",
            {"action": "approve", "_selected_action": ids, "csrfmiddlewaretoken": token},
            headers={"Cookie": cookies, "Referer": f"http://127.0.0.1:{site.port}/admin/"},
        )
        assert status == 302, body[:500]
        return follow_messages(site, cookies, headers)

    with ThreadPoolExecutor(max_workers=2) as pool:
        messages = list(pool.map(approve_all, sessions))
    counts = [changed_count(m) for m in messages]
    print(f"\napprovals reported by the two editors: {counts}")
    assert sum(counts) == len(ids)
    result = site.shell(
        "import json; from comments.models import Comment; "
        "print(json.dumps([Comment.objects.approved().count(), "
        "list(set(Comment.objects.values_list('moderated_by__username', flat=True)))]))"
    )
    assert result[0] == len(ids)
    assert set(result[1]) <= {"editor-a", "editor-b"}

    # Both editors reply to the same comment from forms opened before either saved.
    target = ids[0]
    url = f"/admin/comments/comment/{target}/change/"

    def reply(name):
        cookies, token = sessions[name]
        barrier.wait()
        status, headers, _ = site.request(
            "POST",
            url,
            {
                "status": "approved",
                "reply": f"پاسخ {name}",
                "reply_seen": "",
                "csrfmiddlewaretoken": token,
            },
            headers={"Cookie": cookies, "Referer": f"http://127.0.0.1:{site.port}{url}"},
        )
        assert status == 302
        return follow_messages(site, cookies, headers)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = dict(zip(sessions, pool.map(reply, sessions), strict=True))
    stored = site.shell(
        "import json; from comments.models import Comment; "
        f"c = Comment.objects.get(pk={target}); print(json.dumps([c.reply, c.reply_by.username]))"
    )
    winner = stored[1]
    loser = next(name for name in sessions if name != winner)
    assert stored[0] == f"پاسخ {winner}"
    # The other reply is not silently lost: its editor is told, and handed the text back.
    assert "دبیر دیگری همزمان پاسخ این دیدگاه را تغییر داده است" in answers[loser]
    assert f"پاسخ {loser}" in answers[loser]


def login(site, username: str, password: str) -> tuple[str, str]:
    status, headers, body = site.request("GET", "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    csrf_cookie = cookies_set(headers)["csrftoken"]
    status, headers, _ = site.request(
        "POST",
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"http://127.0.0.1:{site.port}/admin/login/",
        },
    )
    assert status == 302, "login failed"
    session = cookies_set(headers)["sessionid"]
    cookies = f"csrftoken={csrf_cookie}; sessionid={session}"
    _, _, page = site.request("GET", "/admin/comments/comment/", headers={"Cookie": cookies})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return cookies, token


def follow_messages(site, cookies: str, headers) -> str:
    """The next admin page, showing the messages the last POST left in its cookie."""
    messages = cookies_set(headers).get("messages", "")
    _, _, body = site.request(
        "GET",
        "/admin/comments/comment/?status=all",
        headers={"Cookie": f"{cookies}; messages={messages}"},
    )
    return body


def test_an_approval_reaches_every_worker_at_once(site):
    """Each gunicorn worker keeps its own copy of the page; the approval, made here in yet
    another process, must make all of them re-render on their next request."""
    assert site.post_comment("دیدگاهی که همهٔ پردازه‌ها باید نشانش دهند") == 302
    _, headers, _ = site.request("GET", "/news/673206/")
    path = headers["Location"]
    for _ in range(40):  # four workers, each with the page cached
        assert "همهٔ پردازه‌ها" not in site.request("GET", path)[2]
    site.shell(
        "import json; from comments.models import Comment; "
        "print(json.dumps(Comment.objects.get().approve(by=None)))"
    )
    bodies = [site.request("GET", path)[2] for _ in range(40)]
    assert all("همهٔ پردازه‌ها" in body for body in bodies)
