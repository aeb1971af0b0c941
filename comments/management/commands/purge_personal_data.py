from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from comments.models import Comment


class Command(BaseCommand):
    help = (
        "Remove commenters' address hashes and user agents, and admin sign-in records, older "
        "than --days (default PERSONAL_DATA_DAYS). Comments themselves are kept."
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
        self.stdout.write(
            f"Cleared personal data of {comments} comment(s) and {sign_ins} sign-in record(s) "
            f"older than {days} days."
        )
