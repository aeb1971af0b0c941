from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, Max, Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import EDITORS_GROUP, Comment, EditorDigest
from newsroom.persian import fa_digits, jalali_datetime


def waited(since, now) -> str:
    """«۲ ساعت و ۵ دقیقه»: how long the oldest comment has waited."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{fa_digits(n)} {unit}" for n, unit in ((days, "روز"), (hours, "ساعت")) if n]
    if minutes or not parts:
        parts.append(f"{fa_digits(minutes)} دقیقه")
    return " و ".join(parts)


class Command(BaseCommand):
    help = (
        "Mail every active editor with an e-mail address one digest of the comments waiting "
        "for moderation: nothing when the queue is empty or holds only comments an earlier "
        "digest reported, and at most one digest per EDITOR_DIGEST_MINUTES. Run it from a timer "
        "(deploy/notify-editors.timer); readers' posts never wait on mail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=settings.EDITOR_DIGEST_MINUTES)
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="origin of the queue links in the mail (default DJANGO_SITE_URL)",
        )

    def handle(self, *args, minutes: int, site_url: str, **options):
        now = timezone.now()
        # One digest at a time, even if two timers fire together: the lock is the last row.
        with transaction.atomic():
            last = EditorDigest.objects.select_for_update().order_by("-sent_at").first()
            if last and now - last.sent_at < timedelta(minutes=minutes):
                self.stdout.write(
                    f"A digest went out at {last.sent_at:%H:%M}; none before {minutes} minutes."
                )
                return
            waiting = Comment.objects.pending()
            newest = waiting.aggregate(newest=Max("pk"))["newest"]
            if newest is None:
                self.stdout.write("No comments are waiting: no digest.")
                return
            if last and newest <= last.last_comment_id:
                self.stdout.write("Every waiting comment was in an earlier digest: no digest.")
                return
            recipients = list(
                get_user_model()
                .objects.filter(is_active=True, is_staff=True, groups__name=EDITORS_GROUP)
                .exclude(email="")
                .values_list("email", flat=True)
                .distinct()
            )
            if not recipients:
                self.stdout.write("No active editor has an e-mail address: no digest.")
                return
            sent = self.send(waiting, recipients, now, site_url.rstrip("/"))
            EditorDigest.objects.create(
                sent_at=now, last_comment_id=newest, waiting=sent, recipients=len(recipients)
            )
        self.stdout.write(
            f"Digest of {sent} waiting comment(s) sent to {len(recipients)} editor(s)."
        )

    def send(self, waiting, recipients: list[str], now, site_url: str) -> int:
        queue = site_url + reverse("admin:comments_comment_changelist")
        counts = {
            row["article"]: row
            for row in waiting.values("article").annotate(n=Count("pk"), oldest=Min("created_at"))
        }
        articles = Article.objects.in_bulk(counts)
        rows = sorted(
            (
                {
                    "headline": articles[pk].headline,
                    "count": fa_digits(row["n"]),
                    "oldest": jalali_datetime(row["oldest"]),
                    "waited": waited(row["oldest"], now),
                    "url": f"{queue}?article__id__exact={pk}",
                    "since": row["oldest"],
                }
                for pk, row in counts.items()
            ),
            key=lambda row: row["since"],
        )
        total = sum(row["n"] for row in counts.values())
        oldest = min(row["oldest"] for row in counts.values())
        context = {
            "rows": rows,
            "total": fa_digits(total),
            "queue": queue,
            "oldest": jalali_datetime(oldest),
            "waited": waited(oldest, now),
            "site_name": settings.SITE_NAME,
        }
        subject = f"{fa_digits(total)} دیدگاه در انتظار بررسی، قدیمی‌ترین از {context['waited']} پیش"
        text = render_to_string("comments/email/digest.txt", context)
        html = render_to_string("comments/email/digest.html", context)
        # One mail per editor over one connection: no editor sees another's address.
        with get_connection() as connection:
            for address in recipients:
                mail = EmailMultiAlternatives(subject, text, to=[address], connection=connection)
                mail.attach_alternative(html, "text/html")
                mail.send()
        return total
