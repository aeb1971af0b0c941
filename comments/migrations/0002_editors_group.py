"""The Editors group (دبیران): exactly what moderation needs.

Editors may view the articles, and view and moderate comments (approve, reject, mark as spam,
reply). They cannot add, change or delete articles, delete comments, or manage users.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "دبیران"
PERMISSIONS = [
    ("articles", "view_article"),
    ("articles", "view_section"),
    ("articles", "view_category"),
    ("articles", "view_tag"),
    ("comments", "view_comment"),
    ("comments", "change_comment"),
    ("comments", "can_moderate"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0001_initial"),
        ("comments", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
