from django.core.management.base import BaseCommand

from articles.counters import fold
from articles.models import Article


class Command(BaseCommand):
    help = "Fold view counts kept in the cache into the database (run from cron with Redis)."

    def handle(self, *args, **options):
        moved = fold(Article.objects.values_list("news_code", flat=True))
        self.stdout.write(f"Folded {moved} view(s).")
