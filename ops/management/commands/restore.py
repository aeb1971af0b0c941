from pathlib import Path

from django.core.management.base import BaseCommand

from ops import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` (its checksum is checked first). Refuses a "
        "database that has tables unless --force; stop the site before forcing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", action="store_true", help="overwrite a non-empty database")
        parser.add_argument("--no-media", action="store_true", help="leave MEDIA_ROOT as it is")

    def handle(self, *args, file, force, no_media, **options):
        backup.restore(file, force=force, media=not no_media)
        self.stdout.write(f"Restored {file}.")
