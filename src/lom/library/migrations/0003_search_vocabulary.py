"""SQLite: a vocabulary view of the FTS5 index (documents per term), so a long query can be cut
to its most selective words. PostgreSQL keeps the same figures in pg_stats after ANALYZE."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE library_fts_vocab USING fts5vocab(library_fts, row)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS library_fts_vocab")


class Migration(migrations.Migration):
    dependencies = [("library", "0002_search_index")]

    operations = [migrations.RunPython(forwards, backwards)]
