import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from comments.models import EDITORS_GROUP


class Command(BaseCommand):
    help = (
        "Create (or update) an editor account in the Editors group. The password comes from "
        "EDITOR_PASSWORD or, when that is unset, from a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, email: str, **options):
        password = os.environ.get("EDITOR_PASSWORD") or self.prompt_password()
        User = get_user_model()
        user = User(username=username, email=email)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        user.is_staff = True
        user.set_password(password)
        user.save()
        try:
            user.groups.add(Group.objects.get(name=EDITORS_GROUP))
        except Group.DoesNotExist as error:
            raise CommandError(
                "The Editors group is missing: run `manage.py migrate` first."
            ) from error
        verb = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} editor {username!r} (group {EDITORS_GROUP}).")
        )

    def prompt_password(self) -> str:
        if not os.isatty(0):
            raise CommandError("Set EDITOR_PASSWORD or run this command in a terminal.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
