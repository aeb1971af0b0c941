import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.models import CHIEF_EDITORS_GROUP, REPORTERS_GROUP
from comments.models import EDITORS_GROUP

ROLES = {"editor": EDITORS_GROUP, "reporter": REPORTERS_GROUP, "chief": CHIEF_EDITORS_GROUP}


class Command(BaseCommand):
    help = (
        "Create (or update) a staff account in one role's group: --role editor (دبیران, "
        "moderates comments; the default), reporter (خبرنگار, writes drafts) or chief (سردبیر, "
        "edits and publishes). The password comes from EDITOR_PASSWORD or, when that is unset, "
        "from a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--role", choices=sorted(ROLES), default="editor")

    def handle(self, *args, username: str, email: str, role: str = "editor", **options):
        group_name = ROLES[role]
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
            user.groups.add(Group.objects.get(name=group_name))
        except Group.DoesNotExist as error:
            raise CommandError(
                f"The group {group_name} is missing: run `manage.py migrate` first."
            ) from error
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {role} {username!r} (group {group_name})."))

    def prompt_password(self) -> str:
        if not os.isatty(0):
            raise CommandError("Set EDITOR_PASSWORD or run this command in a terminal.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
