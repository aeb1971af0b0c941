"""Recompute comment fingerprints with the rule that ignores invisible characters.

Only rows whose fingerprint changes are written, each in its own savepoint: a row whose new
fingerprint would repeat another comment of the same sender on the same article (the unique
constraint comment_once_per_sender) keeps its old value, so both comments stay stored.
"""

import hashlib

from django.db import IntegrityError, migrations, transaction

# The current rule, on purpose: this migration brings stored rows up to what save() computes.
from comments.models import text_fingerprint


def _before_0003(text: str) -> str:
    """The rule before this migration, for going back."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode()).hexdigest()


def _recompute(apps, rule) -> None:
    Comment = apps.get_model("comments", "Comment")
    rows = Comment.objects.order_by("pk").values_list("pk", "text", "fingerprint")
    for pk, text, old in rows.iterator(chunk_size=500):
        new = rule(text)
        if new == old:
            continue
        try:
            with transaction.atomic():
                Comment.objects.filter(pk=pk).update(fingerprint=new)
        except IntegrityError:
            pass  # a copy of another comment by the same sender: keep both, as stored


def forwards(apps, schema_editor):
    _recompute(apps, text_fingerprint)


def backwards(apps, schema_editor):
    _recompute(apps, _before_0003)


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_editors_group")]

    operations = [migrations.RunPython(forwards, backwards)]
