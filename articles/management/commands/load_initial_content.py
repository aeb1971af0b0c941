from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article

GOVERNOR_CODE = 673206


class Command(BaseCommand):
    help = (
        "Load the governor_article fixture into a database that does not have the article yet "
        "(what `make run` does on every start, so editors' changes and counters survive)."
    )

    def handle(self, *args, **options):
        if Article.objects.filter(news_code=GOVERNOR_CODE).exists():
            self.stdout.write(
                "The governor's article is already there; to reset it to the fixture: "
                ".venv/bin/python manage.py loaddata governor_article"
            )
        else:
            call_command("loaddata", "governor_article", verbosity=options["verbosity"])
        # A fixture is loaded raw (no save()): its cards and renditions are made here.
        call_command("build_images", verbosity=options["verbosity"])
