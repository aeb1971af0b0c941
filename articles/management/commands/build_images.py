from django.core.management.base import BaseCommand

from articles.models import Article, Section


class Command(BaseCommand):
    help = (
        "Make the renditions and social cards that are missing (all of them with --rebuild), "
        "e.g. for articles loaded from a fixture or after the specs in articles/images.py change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="remake every rendition")

    def handle(self, *args, rebuild: bool = False, **options):
        sections = Section.objects.exclude(image="").select_related("article")
        for section in sections if rebuild else sections.filter(image_renditions={}):
            section.image_renditions = {}
            section.save()
        articles = Article.objects.select_related("category")
        for article in articles.iterator(chunk_size=200):
            article.refresh_images(rebuild=rebuild and bool(article.image))
        self.stdout.write(f"Images ready for {articles.count()} articles.")
