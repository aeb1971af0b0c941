"""The full-text index behind ArticleQuerySet.search(), one per database engine.

SQLite: an FTS5 table over articles_article.search_text, kept in step by triggers. (Django
rebuilds a SQLite table when a later migration alters it, which drops its triggers;
articles/apps.py re-creates them after every migrate.)
PostgreSQL: a stored generated tsvector column (not in the Django model: the database keeps it)
with a GIN index. Stored, because re-computing to_tsvector for each candidate row made a
common word take seconds on 10,000 articles.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE articles_article_fts USING fts5(search_text, content='articles_article',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_article_fts_insert AFTER INSERT ON articles_article BEGIN"
    " INSERT INTO articles_article_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER articles_article_fts_delete AFTER DELETE ON articles_article BEGIN"
    " INSERT INTO articles_article_fts(articles_article_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER articles_article_fts_update AFTER UPDATE OF search_text ON articles_article"
    " BEGIN INSERT INTO articles_article_fts(articles_article_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO articles_article_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TABLE IF EXISTS articles_article_fts",
]
POSTGRES = [
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX articles_article_search_idx ON articles_article USING GIN (search_vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS articles_article_search_idx",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]


def run(statements: dict):
    def apply(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_engagement_and_search")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
