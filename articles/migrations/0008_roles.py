"""The writing desk's roles, each with the least it needs.

«خبرنگار» (reporter): writes articles and edits their own drafts (the admin limits them to
their own, and to drafts); cannot publish, delete, or manage sections of the site or tags.
«سردبیر» (chief editor): edits, publishes and schedules any article, manages the site's sections
(categories) and tags. «دبیران» (comments/0002) moderate comments, as before.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "خبرنگار": [
        ("articles", "view_article"),
        ("articles", "add_article"),
        ("articles", "change_article"),
        ("articles", "view_section"),
        ("articles", "add_section"),
        ("articles", "change_section"),
        ("articles", "delete_section"),
        ("articles", "view_category"),
        ("articles", "view_tag"),
    ],
    "سردبیر": [
        *(
            ("articles", f"{action}_{model}")
            for model in ("article", "section", "category", "tag")
            for action in ("view", "add", "change", "delete")
        ),
        ("articles", "can_publish"),
        ("comments", "view_comment"),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; these need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in permissions
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_author_and_publish_permission"),
        ("comments", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
