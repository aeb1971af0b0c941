from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from comments.models import Comment, OutgoingMail, Subscriber


class Command(BaseCommand):
    help = (
        "Remove commenters' address hashes and user agents, and admin sign-in records, older "
        "than --days (default PERSONAL_DATA_DAYS), with finished mail to commenters and "
        "addresses that never confirmed. Comments themselves are kept, and so are confirmed or "
        "unsubscribed addresses (they carry the reader's choice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.PERSONAL_DATA_DAYS)

    def handle(self, *args, days: int, **options):
        cutoff = timezone.now() - timedelta(days=days)
        comments = (
            Comment.objects.filter(created_at__lt=cutoff)
            .exclude(sender_hash="", user_agent="")
            .update(sender_hash="", user_agent="")
        )
        sign_ins = sum(
            model.objects.filter(attempt_time__lt=cutoff).delete()[0]
            for model in (AccessAttempt, AccessFailureLog, AccessLog)
        )
        # Sent, dropped or failed mail: the outbox row is the only copy of whom was written to.
        mails = (
            OutgoingMail.objects.filter(created_at__lt=cutoff)
            .exclude(status=OutgoingMail.Status.WAITING)
            .delete()[0]
        )
        # An address that never confirmed asked for nothing we must remember.
        addresses = (
            Subscriber.objects.filter(
                created_at__lt=cutoff, confirmed_at__isnull=True, unsubscribed_at__isnull=True
            )
            .exclude(mails__status=OutgoingMail.Status.WAITING)
            .delete()[1]
            .get(Subscriber._meta.label, 0)
        )
        self.stdout.write(
            f"Cleared personal data of {comments} comment(s) and {sign_ins} sign-in record(s) "
            f"older than {days} days; removed {mails} sent mail(s) and {addresses} unconfirmed "
            "address(es)."
        )
