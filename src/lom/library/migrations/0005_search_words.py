"""The library's vocabulary with a trigram index, for compound parts and misspellings
(lom.library.vocabulary).

PostgreSQL: a table of words and stems with a GIN trigram index (pg_trgm, created here when
missing; it is a trusted extension, so the database owner may create it).
SQLite: the same table, and an FTS5 table with the `trigram` tokenizer over its words.
Both are filled from the entries published so far."""

import re

import snowballstemmer
from django.db import migrations

WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def _words(texts):
    out = set()
    for text in texts:
        out.update(w.lower() for w in WORD.findall(text or "") if len(w) <= 40)
    return out


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE TABLE library_search_word (word varchar(40) PRIMARY KEY, "
            "stem varchar(40) NOT NULL)"
        )
        schema_editor.execute("CREATE INDEX library_search_word_stem ON library_search_word (stem)")
        schema_editor.execute(
            "CREATE INDEX library_search_word_trgm ON library_search_word "
            "USING GIN (word gin_trgm_ops)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE TABLE library_search_word (word varchar(40) PRIMARY KEY, "
            "stem varchar(40) NOT NULL)"
        )
        schema_editor.execute("CREATE INDEX library_search_word_stem ON library_search_word (stem)")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE library_word_tri USING fts5(word, tokenize = 'trigram')"
        )
    else:  # pragma: no cover
        return
    LibraryEntry = apps.get_model("library", "LibraryEntry")
    words = set()
    for row in LibraryEntry.objects.filter(status="published").values_list(
        "title", "need", "need_category", "summary", "lessons"
    ):
        words |= _words(row)
    words |= _words(apps.get_model("agreements", "MeasureType").objects.values_list("name", flat=True))
    stemmer = snowballstemmer.stemmer("swedish")
    rows = [(w, stemmer.stemWord(w)) for w in sorted(words)]
    with schema_editor.connection.cursor() as cur:
        cur.executemany("INSERT INTO library_search_word (word, stem) VALUES (%s, %s)", rows)
        if vendor == "sqlite":
            cur.executemany("INSERT INTO library_word_tri (word) VALUES (%s)", [(w,) for w, _s in rows])


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("postgresql", "sqlite"):
        schema_editor.execute("DROP TABLE IF EXISTS library_search_word")
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS library_word_tri")


class Migration(migrations.Migration):
    dependencies = [("library", "0004_bounded_input"), ("agreements", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
