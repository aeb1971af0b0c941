"""Sending the mail readers asked for (`manage.py send_comment_mail`): the one place that sends.

A run takes due outbox rows in a short transaction (pushing their next attempt forward, so a
second run at the same time skips them), then sends outside any transaction, so a slow mail
server holds no database lock. PostgreSQL: the rows are locked with SKIP LOCKED while taken.
SQLite: the write lock taken at BEGIN makes the taking one run at a time.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsroom.persian import fa_digits, jalali_datetime

from .models import Comment, OutgoingMail, Subscriber

logger = logging.getLogger(__name__)

CONFIRM_SALT = "comments.mail.confirm"
UNSUBSCRIBE_SALT = "comments.mail.unsubscribe"
# How long a run holds the rows it took; past it, a run that died leaves them to the next.
LEASE = timedelta(minutes=10)
# A row still waiting for something (a comment still pending) is looked at again after this.
RECHECK = timedelta(minutes=10)
ADDRESS = re.compile(r"\S+@\S+")


def _digest(email: str) -> str:
    # Binds a token to the address without putting the address in the link (links end up in
    # server logs); keyed, so nobody can test guessed addresses against it.
    return salted_hmac("comments.mail.address", email).hexdigest()[:12]


def make_token(subscriber: Subscriber, salt: str) -> str:
    return signing.dumps([subscriber.pk, _digest(subscriber.email)], salt=salt)


def read_token(token: str, salt: str, max_age: timedelta | None = None) -> Subscriber:
    """The subscriber a link was made for; signing.BadSignature (SignatureExpired included)
    for a tampered, expired or unknown one."""
    pk, digest = signing.loads(token, salt=salt, max_age=max_age)
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None or _digest(subscriber.email) != digest:
        raise signing.BadSignature("no such subscriber")
    return subscriber


def confirm_max_age() -> timedelta:
    return timedelta(days=settings.COMMENT_MAIL_WAIT_DAYS)


def site_origin(site_url: str = "") -> str:
    """Links in mail must be absolute: DJANGO_SITE_URL, or the local server for `make run`."""
    return (site_url or settings.SITE_URL or f"http://127.0.0.1:{settings.SERVED_PORT}").rstrip("/")


def _redacted(exc: Exception) -> str:
    """The error for the row, without addresses (SMTP errors often quote the recipient)."""
    return ADDRESS.sub("<address>", f"{type(exc).__name__}: {exc}")[:300]


@dataclass
class Run:
    sent: int = 0
    failed: int = 0
    dropped: int = 0
    waiting: int = 0


def _decide(row: OutgoingMail, now) -> str | None:
    """None to send now, "wait" to look again later, or why the row is dropped."""
    subscriber, comment = row.subscriber, row.comment
    if not subscriber.wants(comment):
        return "unsubscribed"
    if row.kind == OutgoingMail.Kind.CONFIRM:
        if subscriber.is_active:
            return "already confirmed"
        if row.attempts == 0 and not subscriber.take_confirmation(
            now, settings.COMMENT_MAIL_CONFIRMATIONS, settings.COMMENT_MAIL_CONFIRMATION_DAYS
        ):
            return "confirmation limit"
        return None
    if not subscriber.is_active:
        if row.created_at < now - timedelta(days=settings.COMMENT_MAIL_WAIT_DAYS):
            return "never confirmed"
        return "wait"
    visible = Comment.objects.visible()
    if row.kind == OutgoingMail.Kind.PUBLISHED:
        return None if visible.filter(pk=comment.pk).exists() else "no longer published"
    if row.reply_id is not None:
        return None if visible.filter(pk=row.reply_id).exists() else "reply not published"
    if not comment.reply:
        return "editors' reply removed"
    if visible.filter(pk=comment.pk).exists():
        return None
    # The desk may reply before approving: the reply is shown once the comment is.
    return "wait" if comment.status == Comment.Status.PENDING else "not published"


def take(now, batch: int, run: Run) -> list[OutgoingMail]:
    """The rows this run will send, decided and leased in one short transaction."""
    expire_before = now - timedelta(days=settings.COMMENT_MAIL_WAIT_DAYS)
    with transaction.atomic():
        rows = list(
            OutgoingMail.objects.due(now, expire_before)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("subscriber", "comment__article", "reply")
            .order_by("next_attempt_at", "pk")[:batch]
        )
        taken = []
        for row in rows:
            why = _decide(row, now)
            if why is None:
                row.next_attempt_at = now + LEASE
                taken.append(row)
            elif why == "wait":
                run.waiting += 1
                row.next_attempt_at = now + RECHECK
            else:
                run.dropped += 1
                row.status, row.last_error = OutgoingMail.Status.DROPPED, why
        OutgoingMail.objects.bulk_update(rows, ["next_attempt_at", "status", "last_error"])
    return taken


def message(row: OutgoingMail, origin: str, connection=None) -> EmailMultiAlternatives:
    """The Persian mail (plain text and RTL HTML) for one outbox row."""
    subscriber, comment = row.subscriber, row.comment
    unsubscribe = origin + reverse(
        "comments:unsubscribe", args=[make_token(subscriber, UNSUBSCRIBE_SALT)]
    )
    context = {
        "site_name": settings.SITE_NAME,
        "origin": origin,
        "headline": comment.article.headline,
        "comment": comment,
        "written": jalali_datetime(comment.created_at),
        "unsubscribe": unsubscribe,
        "wait_days": fa_digits(settings.COMMENT_MAIL_WAIT_DAYS),
    }
    if row.kind == OutgoingMail.Kind.CONFIRM:
        context["confirm"] = origin + reverse(
            "comments:confirm", args=[make_token(subscriber, CONFIRM_SALT)]
        )
        subject = f"نشانی خود را برای خبر از پاسخ‌ها تأیید کنید — {settings.SITE_NAME}"
    elif row.kind == OutgoingMail.Kind.PUBLISHED:
        context["url"] = origin + comment.get_absolute_url()
        subject = f"دیدگاه شما دربارهٔ «{comment.article.headline}» منتشر شد"
    else:
        if row.reply is not None:
            context.update(
                by=row.reply.name,
                reply_text=row.reply.text,
                replied=jalali_datetime(row.reply.created_at),
                url=origin + row.reply.get_absolute_url(),
            )
        else:
            context.update(
                by=settings.SITE_NAME,
                editors=True,
                reply_text=comment.reply,
                replied=jalali_datetime(comment.replied_at or comment.created_at),
                url=origin + comment.get_absolute_url(),
            )
        subject = f"پاسخ تازه به دیدگاه شما دربارهٔ «{comment.article.headline}»"
    name = f"comments/email/{row.kind}"
    mail = EmailMultiAlternatives(
        subject,
        render_to_string(f"{name}.txt", context),
        to=[subscriber.email],
        connection=connection,
        headers={
            # RFC 8058: mail programs show an unsubscribe button that POSTs to this link.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    mail.attach_alternative(render_to_string(f"{name}.html", context), "text/html")
    return mail


def send_due(*, batch: int = 100, site_url: str = "") -> Run:
    """Send what is due; a failure keeps its row for a later run, up to the attempt limit."""
    now = timezone.now()
    run = Run()
    rows = take(now, batch, run)
    if not rows:
        return run
    origin = site_origin(site_url)
    connection = get_connection()
    try:
        for row in rows:
            try:
                message(row, origin, connection).send()
            except Exception as exc:  # any backend's failure: keep the row, never lose it
                _failed(row, exc)
                run.failed += 1
            else:
                OutgoingMail.objects.filter(pk=row.pk).update(
                    status=OutgoingMail.Status.SENT,
                    sent_at=timezone.now(),
                    attempts=row.attempts + 1,
                    last_error="",
                )
                run.sent += 1
    finally:
        try:
            connection.close()
        except Exception as exc:
            logger.warning("Closing the mail connection failed: %s", type(exc).__name__)
    return run


def _failed(row: OutgoingMail, exc: Exception) -> None:
    attempts = row.attempts + 1
    give_up = attempts >= settings.COMMENT_MAIL_MAX_ATTEMPTS
    # 2, 4, 8… minutes, at most two hours.
    delay = timedelta(minutes=min(2**attempts, 120))
    OutgoingMail.objects.filter(pk=row.pk).update(
        attempts=attempts,
        last_error=_redacted(exc),
        next_attempt_at=timezone.now() + delay,
        status=OutgoingMail.Status.FAILED if give_up else OutgoingMail.Status.WAITING,
    )
    # The row's id and the error's type only: no address in the logs.
    logger.warning(
        "Comment mail %s (%s) failed, attempt %s%s: %s",
        row.pk,
        row.kind,
        attempts,
        ", giving up" if give_up else "",
        type(exc).__name__,
    )
