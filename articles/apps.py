from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# The SQLite full-text index's triggers (migration 0003). Django rebuilds a SQLite table when a
# migration adds a NOT NULL column to it, and the rebuild drops the table's triggers; the index
# itself survives (the rows keep their ids and text), so re-creating the triggers after every
# migrate keeps search working whatever later migrations do.
FTS_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS articles_article_fts_insert AFTER INSERT ON articles_article"
    " BEGIN INSERT INTO articles_article_fts(rowid, search_text)"
    " VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS articles_article_fts_delete AFTER DELETE ON articles_article"
    " BEGIN INSERT INTO articles_article_fts(articles_article_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS articles_article_fts_update AFTER UPDATE OF search_text"
    " ON articles_article BEGIN"
    " INSERT INTO articles_article_fts(articles_article_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO articles_article_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def restore_search_triggers(sender, using, **kwargs):
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles_article_fts'"
        )
        if cursor.fetchone() is None:
            return  # migrated backwards past 0003
        for sql in FTS_TRIGGERS:
            cursor.execute(sql)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("اخبار")

    def ready(self):
        post_migrate.connect(restore_search_triggers, sender=self)
