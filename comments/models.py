import hashlib
import re

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles import pagecache
from articles.models import Article
from newsroom.persian import comparable_text, has_persian_letters

from .names import mixes_scripts, name_key

EDITORS_GROUP = "دبیران"
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

    def moderate(self, status: str, by) -> int:
        """Move these comments to `status`, recording who and when; returns how many changed.

        One UPDATE whose WHERE skips rows already in that status, so when two editors act on
        the same comment at once the first one is recorded and the second changes nothing.
        """
        # The decision and the public page's new version commit together, or neither does.
        with transaction.atomic():
            changing = self.exclude(status=status)
            codes = set(changing.values_list("article__news_code", flat=True))
            changed = changing.update(status=status, moderated_by=by, moderated_at=timezone.now())
            if changed:
                pagecache.invalidate(pagecache.article_scope(code) for code in codes)
        return changed

    def restore(self, status: str, by, at) -> int:
        """Put back a decision's previous state exactly (the desk's undo); returns how many."""
        # Like moderate(): the restored state and the page's new version commit together.
        with transaction.atomic():
            codes = set(self.values_list("article__news_code", flat=True))
            changed = self.update(status=status, moderated_by=by, moderated_at=at)
            if changed:
                pagecache.invalidate(pagecache.article_scope(code) for code in codes)
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
    name = models.CharField(_("نام"), max_length=80)
    email = models.EmailField(_("ایمیل"), blank=True)
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
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

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
                pagecache.invalidate([pagecache.article_scope(self.article.news_code)])
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
