import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles import pagecache
from articles.models import Article
from newsroom.persian import comparable_text, has_persian_letters

from . import notifications
from .names import mixes_scripts, name_key

EDITORS_GROUP = "دبیران"
# Threads (a comment and its replies) on the article page and on each comment page after it:
# what bounds a page's weight and render time whatever the conversation's size.
THREADS_PER_PAGE = 30
# Approved replies a thread takes; past this, «پاسخ» is refused with a message.
REPLIES_MAX = 10
LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|ir|net|org|info|xyz|io)\b", re.IGNORECASE)


def text_fingerprint(text: str) -> str:
    """Same visible words, same fingerprint: spacing, case, invisible characters, tatweel and
    diacritics do not make a comment new (migration 0003 recomputes stored ones)."""
    return hashlib.sha256(comparable_text(text).encode()).hexdigest()


class CommentQuerySet(models.QuerySet):
    def approved(self) -> "CommentQuerySet":
        """The one definition of what readers may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self) -> "CommentQuerySet":
        return self.filter(status=Comment.Status.PENDING)

    def visible(self) -> "CommentQuerySet":
        """Approved, under an approved comment if a reply: what the pages show and count."""
        return self.approved().filter(
            models.Q(parent__isnull=True) | models.Q(parent__status=Comment.Status.APPROVED)
        )

    def threads(self) -> "CommentQuerySet":
        """Approved top-level comments in the order the pages show them."""
        return self.approved().filter(parent__isnull=True).order_by("created_at", "pk")

    def moderate(self, status: str, by) -> int:
        """Move these comments to `status`, recording who and when; returns how many changed.

        One UPDATE whose WHERE skips rows already in that status, so when two editors act on
        the same comment at once the first one is recorded and the second changes nothing.
        """
        # The decision and the public page's new version commit together, or neither does.
        with transaction.atomic():
            changing = self.exclude(status=status)
            before = _public_facts(changing)
            changed = changing.update(status=status, moderated_by=by, moderated_at=timezone.now())
            if changed:
                _refresh_public(before, status)
                if status == Comment.Status.APPROVED:
                    notifications.comments_approved([row.pk for row in before])
        return changed

    def restore(self, status: str, by, at) -> int:
        """Put back a decision's previous state exactly (the desk's undo); returns how many."""
        # Like moderate(): the restored state and the page's new version commit together.
        with transaction.atomic():
            before = _public_facts(self)
            changed = self.update(status=status, moderated_by=by, moderated_at=at)
            if changed:
                _refresh_public(before, status)
        return changed


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("در انتظار بررسی")
        APPROVED = "approved", _("تأییدشده")
        REJECTED = "rejected", _("ردشده")
        SPAM = "spam", _("هرزنامه")

    article = models.ForeignKey(
        Article, verbose_name=_("خبر"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("در پاسخ به"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    name = models.CharField(_("نام"), max_length=80)
    email = models.EmailField(_("ایمیل"), blank=True)
    # «وقتی پاسخ داده شد خبرم کن»: mails go only to addresses that asked and then confirmed
    # (comments/notifications.py).
    notify = models.BooleanField(_("خبرم کن"), default=False)
    text = models.TextField(_("متن دیدگاه"))
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("زمان ارسال"), default=timezone.now)

    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("بررسی‌کننده"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("زمان بررسی"), null=True, blank=True)
    reply = models.TextField(_("پاسخ تحریریه"), blank=True)
    reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("نویسندهٔ پاسخ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("زمان پاسخ"), null=True, blank=True)

    # Personal data, minimised: a keyed hash of the sender's address (never the address
    # itself) and the user agent; both are blanked by `purge_personal_data`.
    sender_hash = models.CharField(_("شناسهٔ فرستنده"), max_length=32, blank=True)
    user_agent = models.CharField(_("مرورگر"), max_length=300, blank=True)
    fingerprint = models.CharField(_("اثر متن"), max_length=64, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
            models.Index(fields=["fingerprint"], name="comment_fingerprint_idx"),
            # The comment pages: a thread's replies, in order.
            models.Index(fields=["parent", "status", "created_at"], name="comment_replies_idx"),
        ]
        constraints = [
            # The same text from the same sender on the same article is stored once, even when
            # a double click or a retry sends it twice at the same moment.
            models.UniqueConstraint(
                fields=["article", "sender_hash", "fingerprint"],
                condition=~models.Q(sender_hash=""),
                name="comment_once_per_sender",
            ),
        ]
        permissions = [("can_moderate", _("می‌تواند دیدگاه‌ها را بررسی کند"))]
        verbose_name = _("دیدگاه")
        verbose_name_plural = _("دیدگاه‌ها")

    def __str__(self) -> str:
        # Whole words only: this is also the LogEntry's object_repr («فعالیت‌های اخیر»).
        return f"{self.name}: {Truncator(self.text).words(8)}"

    def save(self, *args, **kwargs):
        self.fingerprint = text_fingerprint(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The page that holds this comment (the article page holds the first threads)."""
        return page_url(self.article, self.page_number()) + f"#comment-{self.pk}"

    def page_number(self) -> int:
        root = self.parent or self
        earlier = (
            Comment.objects.threads()
            .filter(article_id=self.article_id)
            .filter(
                models.Q(created_at__lt=root.created_at)
                | models.Q(created_at=root.created_at, pk__lt=root.pk)
            )
            .count()
        )
        return earlier // THREADS_PER_PAGE + 1

    def moderate(self, status: str, by, *, expected: str | None = None) -> bool:
        """Move to `status`; with `expected`, only if the status is still what the editor saw,
        so of two editors deciding the same row differently the first decision stands."""
        rows = Comment.objects.filter(pk=self.pk)
        if expected is not None:
            rows = rows.filter(status=expected)
        changed = rows.moderate(status, by) == 1
        self.refresh_from_db(fields=["status", "moderated_by", "moderated_at"])
        return changed

    def approve(self, by) -> bool:
        return self.moderate(self.Status.APPROVED, by)

    def reject(self, by) -> bool:
        return self.moderate(self.Status.REJECTED, by)

    def mark_spam(self, by) -> bool:
        return self.moderate(self.Status.SPAM, by)

    def save_reply(self, text: str, by, *, expected: str) -> bool:
        """Store the editors' reply unless someone else changed it since `expected` was read.

        A compare-and-set, so of two editors replying at once the second is told, not
        silently overwritten.
        """
        with transaction.atomic():
            updated = Comment.objects.filter(pk=self.pk, reply=expected).update(
                reply=text,
                reply_by=by if text else None,
                replied_at=timezone.now() if text else None,
            )
            if updated:
                # Whatever this copy's status says (it may be stale), the page holding it.
                pagecache.invalidate([page_scope(self.article.news_code, self.page_number())])
                if text and not expected:
                    notifications.editors_replied(self.pk)
        self.refresh_from_db(fields=["reply", "reply_by", "replied_at"])
        return updated == 1

    # Hints for the moderation queue.
    def has_links(self) -> bool:
        return bool(LINK.search(self.text) or LINK.search(self.name))

    def lacks_persian(self) -> bool:
        return not has_persian_letters(self.text)

    def name_looks_like_staff(self, staff_keys: frozenset[str]) -> bool:
        """`staff_keys` from names.staff_name_keys(), read once for a whole list."""
        return name_key(self.name) in staff_keys

    def name_mixes_scripts(self) -> bool:
        return mixes_scripts(self.name)

    def takes_replies(self) -> bool:
        """Room for one more reply: waiting replies count too, so approving them all cannot
        take a thread past REPLIES_MAX."""
        open_ = [Comment.Status.APPROVED, Comment.Status.PENDING]
        return self.replies.filter(status__in=open_).count() < REPLIES_MAX


def page_scope(news_code: int, number: int) -> str:
    """The page cache scope of comment page `number` (1 is the article page itself)."""
    if number <= 1:
        return pagecache.article_scope(news_code)
    return pagecache.comments_scope(news_code, number)


def page_url(article: Article, number: int) -> str:
    if number <= 1:
        return article.get_absolute_url()
    return reverse("comments:page", args=[article.news_code, number])


def page_count(threads: int) -> int:
    return max(1, -(-threads // THREADS_PER_PAGE))


@dataclass(frozen=True)
class _Fact:
    pk: int
    article_id: int
    news_code: int
    parent_id: int | None
    created_at: object
    status: str


def _public_facts(rows: CommentQuerySet) -> list[_Fact]:
    """What a moderation needs to know of the rows before it changes them."""
    return [
        _Fact(*values)
        for values in rows.values_list(
            "pk", "article_id", "article__news_code", "parent_id", "created_at", "status"
        )
    ]


def recount(article_ids) -> None:
    Article.objects.filter(pk__in=article_ids).update(
        comment_count=Coalesce(
            Subquery(
                Comment.objects.visible()
                .filter(article=OuterRef("pk"))
                .values("article")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
    )


def refresh_article(article: Article) -> None:
    """Recount an article's comments and refresh all its pages: for rows written past
    moderate(), by loaddata (comments.apps) or a bulk load (seed_demo, the benchmark)."""
    with transaction.atomic():
        recount([article.pk])
        threads = Comment.objects.threads().filter(article=article).count()
        code = article.news_code
        pagecache.invalidate(
            [pagecache.HOME, *(page_scope(code, n) for n in range(1, page_count(threads) + 2))]
        )


def _refresh_public(before: list[_Fact], status: str) -> None:
    """After a decision: recount the articles whose public comments changed and give new
    versions to exactly the pages that show a difference, in the decision's transaction.

    A top-level comment appearing or disappearing moves every thread after it, so its page
    and the pages after it change; a reply changes only its thread's page. The article page
    always changes (its count), and so does the home page (the cards' counts).
    """
    approved = Comment.Status.APPROVED
    touched = [f for f in before if approved in (f.status, status)]
    if not touched:
        return  # pending ↔ rejected ↔ spam: nothing a reader sees
    by_article: dict[int, list[_Fact]] = {}
    for fact in touched:
        by_article.setdefault(fact.article_id, []).append(fact)
    recount(by_article)
    scopes = {pagecache.HOME}
    for article_id, facts in by_article.items():
        code = facts[0].news_code
        scopes.add(pagecache.article_scope(code))
        threads = Comment.objects.threads().filter(article_id=article_id)
        roots = [f for f in facts if f.parent_id is None]
        replies = {f.parent_id for f in facts if f.parent_id is not None}
        if roots:
            first = min(roots, key=lambda f: (f.created_at, f.pk))
            start = (
                threads.filter(
                    models.Q(created_at__lt=first.created_at)
                    | models.Q(created_at=first.created_at, pk__lt=first.pk)
                ).count()
                // THREADS_PER_PAGE
                + 1
            )
            after = threads.count()
            # A page that disappeared is refreshed too, so its copy is not served as current.
            last = page_count(after + len(roots))
            scopes.update(page_scope(code, n) for n in range(start, last + 1))
        for parent in Comment.objects.filter(pk__in=replies):
            scopes.add(page_scope(code, parent.page_number()))
    pagecache.invalidate(scopes)


class EditorDigest(models.Model):
    """One mail to the editors about waiting comments (`notify_editors`): when, and up to which
    comment, so the next digest waits for newer comments and for EDITOR_DIGEST_MINUTES."""

    sent_at = models.DateTimeField(_("زمان ارسال"), default=timezone.now)
    last_comment_id = models.PositiveBigIntegerField(_("آخرین دیدگاه گزارش‌شده"))
    waiting = models.PositiveIntegerField(_("دیدگاه‌های در انتظار"))
    recipients = models.PositiveIntegerField(_("گیرندگان"))

    class Meta:
        ordering = ["-sent_at"]
        get_latest_by = "sent_at"
        verbose_name = _("گزارش دیدگاه‌های در انتظار")
        verbose_name_plural = _("گزارش‌های دیدگاه‌های در انتظار")

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M}: {self.waiting}"


class Subscriber(models.Model):
    """An address that ticked «وقتی پاسخ داده شد خبرم کن»: mail goes to it only once it is
    confirmed (double opt-in), and never about comments written before an unsubscribe.

    Kept after `purge_personal_data` while confirmed or unsubscribed: it is what honours the
    reader's choice. Never-confirmed addresses are removed with the other personal data.
    """

    email = models.EmailField(_("ایمیل"), unique=True)
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("زمان تأیید"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("زمان لغو"), null=True, blank=True)
    # The limit on confirmation mails (COMMENT_MAIL_CONFIRMATIONS per
    # COMMENT_MAIL_CONFIRMATION_DAYS): a stranger's address cannot be flooded with them.
    confirmations_sent = models.PositiveSmallIntegerField(_("نامه‌های تأیید فرستاده"), default=0)
    confirmations_since = models.DateTimeField(_("آغاز شمارش نامه‌های تأیید"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("مشترک خبرنامهٔ پاسخ")
        verbose_name_plural = _("مشترکان خبرنامهٔ پاسخ")

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        """Confirmed, and not unsubscribed since."""
        return self.confirmed_at is not None and (
            self.unsubscribed_at is None or self.confirmed_at > self.unsubscribed_at
        )

    def wants(self, comment: Comment) -> bool:
        """An unsubscribe stops mail about every comment written before it; a later comment
        with the box ticked asks again (through a new confirmation)."""
        return self.unsubscribed_at is None or comment.created_at > self.unsubscribed_at

    def confirm(self) -> None:
        self.confirmed_at = timezone.now()
        self.save(update_fields=["confirmed_at"])

    def unsubscribe(self) -> None:
        with transaction.atomic():
            self.unsubscribed_at = timezone.now()
            self.save(update_fields=["unsubscribed_at"])
            self.mails.waiting().update(
                status=OutgoingMail.Status.DROPPED, last_error="unsubscribed"
            )

    def resubscribe(self) -> None:
        """The «دوباره مشترک شوم» button: undoes the unsubscribe (the link proves the mailbox)."""
        self.unsubscribed_at = None
        self.confirmed_at = self.confirmed_at or timezone.now()
        self.save(update_fields=["unsubscribed_at", "confirmed_at"])

    def take_confirmation(self, now, limit: int, days: int) -> bool:
        """Count one confirmation mail against the limit; False when the limit is reached.
        Conditional UPDATEs, so two runs at once cannot both take the last one."""
        rows = Subscriber.objects.filter(pk=self.pk)
        rows.filter(
            models.Q(confirmations_since__isnull=True)
            | models.Q(confirmations_since__lt=now - timedelta(days=days))
        ).update(confirmations_since=now, confirmations_sent=0)
        return bool(
            rows.filter(confirmations_sent__lt=limit).update(
                confirmations_sent=models.F("confirmations_sent") + 1
            )
        )


class OutgoingMailQuerySet(models.QuerySet):
    def waiting(self) -> "OutgoingMailQuerySet":
        return self.filter(status=OutgoingMail.Status.WAITING)

    def due(self, now, expire_before) -> "OutgoingMailQuerySet":
        """Waiting rows `send_comment_mail` can decide now: confirmations, rows whose address
        is confirmed or unsubscribed, and rows that waited too long for a confirmation.
        A row whose address is still unconfirmed is left alone until one of those holds."""
        return self.waiting().filter(
            models.Q(kind=OutgoingMail.Kind.CONFIRM)
            | models.Q(subscriber__confirmed_at__isnull=False)
            | models.Q(subscriber__unsubscribed_at__isnull=False)
            | models.Q(created_at__lt=expire_before),
            next_attempt_at__lte=now,
        )


class OutgoingMail(models.Model):
    """The outbox: written in the transaction of the post or decision that causes a mail, sent
    later by `send_comment_mail` (the one place that sends), kept and retried when sending
    fails. Finished rows are removed by `purge_personal_data`."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("تأیید نشانی")
        PUBLISHED = "published", _("انتشار دیدگاه")
        REPLY = "reply", _("پاسخ به دیدگاه")

    class Status(models.TextChoices):
        WAITING = "waiting", _("در انتظار ارسال")
        SENT = "sent", _("فرستاده شد")
        DROPPED = "dropped", _("کنار گذاشته شد")
        FAILED = "failed", _("ناموفق")

    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.WAITING
    )
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("گیرنده"), on_delete=models.CASCADE, related_name="mails"
    )
    comment = models.ForeignKey(
        Comment, verbose_name=_("دیدگاه"), on_delete=models.CASCADE, related_name="+"
    )
    # A reader's reply this mail is about (empty for the editors' reply and other kinds).
    reply = models.ForeignKey(
        Comment,
        verbose_name=_("پاسخ"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    # When a run may take it: a run that takes it pushes this forward (its lease), a failure
    # pushes it by the retry delay.
    next_attempt_at = models.DateTimeField(_("تلاش بعدی"), default=timezone.now)
    sent_at = models.DateTimeField(_("زمان ارسال"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("تلاش‌ها"), default=0)
    # The error's type and message with addresses removed, or why the row was dropped.
    last_error = models.CharField(_("آخرین خطا"), max_length=300, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_due_idx"),
        ]
        verbose_name = _("نامهٔ خواننده")
        verbose_name_plural = _("صندوق نامه‌های خوانندگان")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.comment_id}: {self.get_status_display()}"
