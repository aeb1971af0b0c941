from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ops import backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database (SQLite online backup or pg_dump's custom "
        "format) and of the media while the site keeps serving; keep the newest BACKUP_KEEP."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="default: BACKUP_DIR")
        parser.add_argument("--keep", type=int, default=None, help="default: BACKUP_KEEP")
        parser.add_argument("--no-media", action="store_true", help="leave out MEDIA_ROOT")

    def handle(self, *args, dir, keep, no_media, **options):
        made = backup.backup(
            dir or Path(settings.BACKUP_DIR),
            media=not no_media,
            keep=settings.BACKUP_KEEP if keep is None else keep,
        )
        size = made.path.stat().st_size
        self.stdout.write(
            f"{made.path} ({size:,} bytes in {made.seconds:.2f} s, sha256 {made.checksum})"
        )
        if made.media:
            self.stdout.write(f"{made.media} (media)")
