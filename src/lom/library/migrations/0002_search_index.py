"""Full-text search for the library, one structure per database.

PostgreSQL: a tsvector column (configuration `swedish`) with a GIN index.
SQLite: an FTS5 table of text stemmed by the Swedish Snowball stemmer (FTS5 has none).
Both are written by lom.library.search when an entry is published or withdrawn."""

from django.db import migrations


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE library_libraryentry ADD COLUMN search_vector tsvector"
        )
        schema_editor.execute(
            "CREATE INDEX library_entry_search_gin ON library_libraryentry "
            "USING GIN (search_vector)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE library_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 0')"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS library_entry_search_gin")
        schema_editor.execute("ALTER TABLE library_libraryentry DROP COLUMN search_vector")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS library_fts")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
