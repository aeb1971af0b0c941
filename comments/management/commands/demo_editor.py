import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from comments.models import EDITORS_GROUP

USERNAME = "editor"


class Command(BaseCommand):
    help = "On a developer's machine only: create a demo editor once and print its password."

    def handle(self, *args, **options):
        # DJANGO_HTTPS marks a real deployment: a printed password has no place there, but
        # `make run` goes on serving (create an editor with `manage.py create_editor NAME`).
        if settings.HTTPS:
            self.stdout.write("Demo editor skipped: DJANGO_HTTPS=on is not a developer's machine.")
            return
        User = get_user_model()
        if User.objects.filter(username=USERNAME).exists():
            self.stdout.write(
                f"Demo editor {USERNAME!r} exists (its password was printed on the first run; "
                f"reset it with: .venv/bin/python manage.py create_editor {USERNAME})."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(USERNAME, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name=EDITORS_GROUP))
        port = os.environ.get("PORT", "8000")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo editor created. Sign in at http://127.0.0.1:{port}/{settings.ADMIN_URL} "
                f"as {USERNAME!r} with password {password!r}"
            )
        )
