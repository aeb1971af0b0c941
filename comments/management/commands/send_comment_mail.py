from django.conf import settings
from django.core.management.base import BaseCommand

from comments.mail import send_due


class Command(BaseCommand):
    help = (
        "Send the mail readers asked for with «وقتی پاسخ داده شد خبرم کن» (confirmations, "
        "«published», replies) from the outbox. Failed sends stay for the next run, up to "
        "COMMENT_MAIL_MAX_ATTEMPTS. Run it from a timer (deploy/comment-mail.timer, every "
        "minute); posts and decisions never wait on mail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=100, help="most mails sent by one run")
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="origin of the links in the mail (default DJANGO_SITE_URL)",
        )

    def handle(self, *args, batch: int, site_url: str, **options):
        run = send_due(batch=batch, site_url=site_url)
        self.stdout.write(
            f"Sent {run.sent}, failed {run.failed} (kept for retry), dropped {run.dropped}, "
            f"still waiting {run.waiting}."
        )
